/**
 * Computing-in-memory simulation (specs/cim-swim.md): quantizers, the bit-level crossbar mapping
 * of weights onto devices, device models (SWIM's per-slice Gaussian, log-normal RRAM variation,
 * stuck devices, read noise), write-verify masks, SWIM's sensitivity-based selection and the
 * Monte-Carlo evaluation of accuracy under variation.
 *
 * <p>Every random draw takes an explicit {@link java.util.SplittableRandom} made from (seed,
 * instance, tensor name), so a Monte-Carlo run does not depend on the thread count.
 */
package dev.reliant.cim;
