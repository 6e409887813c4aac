/**
 * Operators: one class per operator, each with its hyper-parameters, its parameters (by
 * PyTorch state_dict name) and its forward rule on NCHW {@code float[]} batches, computed with
 * the kernels of {@code dev.reliant.simd}, and its first-order backward in the same class; the
 * diagonal second-order backward (BackPACK-style) is declared on {@link dev.reliant.ops.Op} and
 * goes into the same classes too, so adding an operator touches one file. The training loss,
 * {@link dev.reliant.ops.SoftmaxCrossEntropy}, lives here as well: it is the rule that starts
 * the backward.
 *
 * <p><b>Training mode.</b> {@link dev.reliant.ops.Op#setTraining} switches batch norm to batch
 * statistics and dropout to a seeded mask. Both change how an executor may run them: a training
 * batch norm is not computed in place (its backward reads the input) and must not be folded into
 * its convolution; a training dropout is no longer a view. An executor therefore plans its
 * buffers after choosing the mode.
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
