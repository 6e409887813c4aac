/**
 * The data at the bottom of the runtime: {@link dev.reliant.tensor.Tensor} (dense float32,
 * row-major) with {@link dev.reliant.tensor.Shapes} for shape checks, and the stored number
 * formats ({@link dev.reliant.tensor.NumberFormat}: fp32, fp16, bf16, intN with a scale, fixed
 * point Qm.n) whose exact encode/decode lets a fault model flip, set or clear any stored bit.
 * Depends on nothing else in reliant.
 */
package dev.reliant.tensor;
