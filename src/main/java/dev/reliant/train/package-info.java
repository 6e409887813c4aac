/**
 * Training: the backward pass over the graph, optimizers with torch.optim semantics
 * ({@link dev.reliant.train.Sgd}, {@link dev.reliant.train.Adam}, {@link dev.reliant.train.AdamW}),
 * learning-rate schedules ({@link dev.reliant.train.Schedules}), the per-epoch CSV log
 * ({@link dev.reliant.train.TrainingLog}) and resumable checkpoints
 * ({@link dev.reliant.train.Checkpoint}).
 *
 * <p>Everything here is deterministic for a given seed (DESIGN invariant 1 and 4): the optimizer
 * updates are element-wise with a SIMD kernel and a bit-identical plain twin, and a checkpoint
 * holds everything needed to continue a run bit for bit (invariant 5).
 */
package dev.reliant.train;
