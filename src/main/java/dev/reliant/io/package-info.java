/**
 * Weight files: safetensors read and write, and PyTorch checkpoint import without Python.
 *
 * <ul>
 *   <li>{@link dev.reliant.io.StoredTensor}: a tensor as stored (name, {@link dev.reliant.io.DType},
 *       shape, raw little-endian bytes), exact for integer and half-precision data, with
 *       {@code asFloat()} for a float32 {@link dev.reliant.tensor.Tensor}.
 *   <li>{@link dev.reliant.io.SafeTensors} (whole files, atomic writes) and
 *       {@link dev.reliant.io.SafeTensorsFile} (header checked at open, tensors read lazily by
 *       name with positioned reads; files of any size).
 *   <li>{@link dev.reliant.io.PyTorchCheckpoint}: {@code torch.save} files in the zip and the
 *       legacy format, read by a restricted unpickler that accepts only an allow-list of globals
 *       and never runs code from the file.
 *   <li>{@link dev.reliant.io.Json}: the strict JSON reader and compact writer the headers need.
 * </ul>
 *
 * <p>Every problem with a file is a {@link dev.reliant.io.WeightFileException} whose message is
 * one line, {@code file PATH: PROBLEM}. Hostile input is refused from its length fields before
 * anything is allocated for it, so a bad file cannot cause an OutOfMemoryError or a stack
 * overflow. Depends only on {@code dev.reliant.tensor}.
 */
package dev.reliant.io;
