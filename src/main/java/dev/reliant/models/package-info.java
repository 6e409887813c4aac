/**
 * The model zoo: builders that emit {@link dev.reliant.graph.Graph}s with PyTorch-compatible
 * parameter names and shapes (specs/models.md), registered by name in
 * {@link dev.reliant.models.ModelZoo}; and {@link dev.reliant.models.FormulaWeights}, the
 * language-independent weights of the test vectors.
 */
package dev.reliant.models;
