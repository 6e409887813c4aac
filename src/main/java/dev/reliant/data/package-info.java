/**
 * Data sets: readers (IDX for MNIST / Fashion-MNIST, CIFAR-10/100 binary, image folders listed
 * in a CSV or split into class subfolders, PPM), a compact uint8 {@link dev.reliant.data.Dataset},
 * PyTorch-exact {@link dev.reliant.data.Normalization}, seeded shuffling and
 * {@link dev.reliant.data.Augmentation}, and {@link dev.reliant.data.BatchLoader}.
 * {@link dev.reliant.data.Datasets#open} opens a data set by name.
 *
 * <p>Depends on {@code tensor} (batches are {@link dev.reliant.tensor.Tensor}s) and {@code simd}
 * ({@code Parallel}, to decode image files on all cores).
 */
package dev.reliant.data;
