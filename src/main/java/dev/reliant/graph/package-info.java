/**
 * A model as a directed acyclic graph of named nodes, its parameters by PyTorch state_dict name,
 * and the {@link dev.reliant.graph.Executor} that runs it.
 *
 * <ul>
 *   <li>{@link dev.reliant.graph.GraphBuilder} adds nodes in topological order and returns their
 *       indices as handles; {@link dev.reliant.graph.Graph} is immutable in structure (its
 *       parameters' values change: weights loaded, faults injected).</li>
 *   <li>Node index order is a topological order; node 0 is the input, the last node the
 *       output. {@link dev.reliant.graph.Graph#downstream(int)} lists every node that depends on
 *       a node, precomputed, so the fault engine can restart from a faulty node.</li>
 *   <li>Parameters: a {@code LinkedHashMap<String, Tensor>} in state_dict registration order,
 *       each owned by exactly one node ({@link dev.reliant.graph.Graph#parameterOwner}).</li>
 * </ul>
 *
 * <p>Depends on {@code tensor}, {@code simd} and {@code ops} (see {@code dev.reliant.ops} for why
 * ops come first).
 */
package dev.reliant.graph;
