/**
 * Operators: one class per operator, each with its hyper-parameters, its parameters (by
 * PyTorch state_dict name) and its forward rule on NCHW {@code float[]} batches, computed with
 * the kernels of {@code dev.reliant.simd}. The backward and the diagonal second-order backward
 * (BackPACK-style) are declared on {@link dev.reliant.ops.Op} and will be implemented in the same
 * classes, so adding an operator touches one file.
 *
 * <p>Dependencies: {@code tensor} and {@code simd} only. The graph ({@code dev.reliant.graph})
 * composes operators and therefore sits <em>after</em> this package ({@code tensor → simd → ops →
 * graph → models}); DESIGN.md lists graph first, but its builder instantiates operators and its
 * executor folds a {@link dev.reliant.ops.BatchNorm2d} into a {@link dev.reliant.ops.Conv2d}, so
 * an operator never needs to know the graph.
 *
 * <p><b>Prepared forms.</b> An operator keeps the forms its kernels compute with (packed
 * weights, batch-norm scale and shift, a convolution with a batch norm folded in), each stamped
 * with the {@link dev.reliant.ops.Parameter#version() versions} of the parameters it was made
 * from, and remakes them on the next forward after a parameter changed. Operators are not
 * thread-safe: a graph and its executors are driven by one thread at a time (the kernels
 * themselves run in parallel).
 */
package dev.reliant.ops;
