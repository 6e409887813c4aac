package dev.reliant.bench;

import dev.reliant.graph.Graph;
import dev.reliant.graph.Node;
import dev.reliant.io.SafeTensors;
import dev.reliant.models.ModelZoo;
import dev.reliant.ops.Add;
import dev.reliant.ops.BatchNorm2d;
import dev.reliant.ops.Conv2d;
import dev.reliant.ops.Flatten;
import dev.reliant.ops.GlobalAvgPool;
import dev.reliant.ops.Input;
import dev.reliant.ops.Linear;
import dev.reliant.ops.Op;
import dev.reliant.ops.OptionAShortcut;
import dev.reliant.ops.Parameter;
import dev.reliant.ops.ReLU;
import dev.reliant.simd.ConvShape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a reliant graph (the ops of the CIFAR ResNets: Conv2d, BatchNorm2d, ReLU, Add,
 * OptionAShortcut, GlobalAvgPool, Flatten, Linear) as an ONNX model (IR 8, opset 13), with the
 * protobuf encoded by hand. Input "input" [N,3,H,W] (N symbolic), output "output" [N,classes].
 *
 * <p>Field numbers from onnx.proto: ModelProto ir_version=1, graph=7, opset_import=8;
 * OperatorSetIdProto domain=1, version=2; GraphProto node=1, name=2, initializer=5, input=11,
 * output=12; NodeProto input=1, output=2, name=3, op_type=4, attribute=5; AttributeProto name=1,
 * f=2, i=3, s=4, ints=8, type=20 (FLOAT=1, INT=2, STRING=3, INTS=7); TensorProto dims=1,
 * data_type=2 (FLOAT=1, INT64=7), name=8, raw_data=9; ValueInfoProto name=1, type=2; TypeProto
 * tensor_type=1; TypeProto.Tensor elem_type=1, shape=2; TensorShapeProto dim=1; Dimension
 * dim_value=1, dim_param=2.
 *
 * <p>{@code java -cp benchmarks.jar dev.reliant.bench.OnnxExport [out.onnx]}
 */
public final class OnnxExport {
    static final Path WEIGHTS = Path.of("/work/shared/weights/akamaster-resnet-cifar10/resnet20.safetensors");

    private OnnxExport() {}

    /** ResNet20 from the zoo with the akamaster weights. */
    static Graph resnet20() {
        Graph g = ModelZoo.build("resnet20");
        g.loadStateDict(SafeTensors.read(WEIGHTS).floats(), WEIGHTS.toString());
        return g;
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "/tmp/resnet20.onnx");
        byte[] model = export(resnet20());
        Files.write(out, model);
        System.out.println("wrote " + out + " (" + model.length + " bytes)");
    }

    /** The ONNX ModelProto bytes of {@code graph}. */
    public static byte[] export(Graph graph) {
        Pb g = new Pb();
        String[] names = new String[graph.size()];
        for (Node node : graph.nodes()) {
            int i = node.index();
            Op op = node.op();
            boolean last = i == graph.size() - 1;
            String out = last ? "output" : node.name().replace('/', '_') + "_out" + i;
            names[i] = out;
            String in = i == 0 ? null : names[node.input(0)];
            String nn = node.name();
            if (op instanceof Input) {
                names[i] = "input";
            } else if (op instanceof Conv2d) {
                Conv2d c = (Conv2d) op;
                ConvShape s = c.shape();
                g.msg(5, tensor(c.weight()));
                String[] ins = c.bias() == null ? new String[] {in, c.weight().name()}
                        : new String[] {in, c.weight().name(), c.bias().name()};
                if (c.bias() != null) {
                    g.msg(5, tensor(c.bias()));
                }
                g.msg(1, node(nn, "Conv", ins, out,
                        intsAttr("kernel_shape", s.kernelHeight, s.kernelWidth),
                        intsAttr("strides", s.strideH, s.strideW),
                        intsAttr("pads", s.padH, s.padW, s.padH, s.padW),
                        intsAttr("dilations", s.dilationH, s.dilationW),
                        intAttr("group", s.groups)));
            } else if (op instanceof BatchNorm2d) {
                BatchNorm2d b = (BatchNorm2d) op;
                for (Parameter p : new Parameter[] {b.weight(), b.bias(), b.runningMean(), b.runningVar()}) {
                    g.msg(5, tensor(p));
                }
                g.msg(1, node(nn, "BatchNormalization", new String[] {in, b.weight().name(), b.bias().name(),
                        b.runningMean().name(), b.runningVar().name()}, out, floatAttr("epsilon", (float) b.eps())));
            } else if (op instanceof ReLU) {
                g.msg(1, node(nn, "Relu", new String[] {in}, out));
            } else if (op instanceof Add) {
                g.msg(1, node(nn, "Add", new String[] {in, names[node.input(1)]}, out));
            } else if (op instanceof OptionAShortcut) {
                OptionAShortcut shortcut = (OptionAShortcut) op;
                long st = shortcut.stride();
                long before = shortcut.padBefore();
                long after = shortcut.padAfter();
                String p = nn + ".";
                g.msg(5, int64Tensor(p + "starts", 0, 0));
                g.msg(5, int64Tensor(p + "ends", Integer.MAX_VALUE, Integer.MAX_VALUE));
                g.msg(5, int64Tensor(p + "axes", 2, 3));
                g.msg(5, int64Tensor(p + "steps", st, st));
                g.msg(5, int64Tensor(p + "pads", 0, before, 0, 0, 0, after, 0, 0));
                String sliced = out + "_sliced";
                g.msg(1, node(nn + "_slice", "Slice",
                        new String[] {in, p + "starts", p + "ends", p + "axes", p + "steps"}, sliced));
                g.msg(1, node(nn + "_pad", "Pad", new String[] {sliced, p + "pads"}, out, stringAttr("mode", "constant")));
            } else if (op instanceof GlobalAvgPool) {
                g.msg(1, node(nn, "GlobalAveragePool", new String[] {in}, out));
            } else if (op instanceof Flatten) {
                g.msg(1, node(nn, "Flatten", new String[] {in}, out, intAttr("axis", 1)));
            } else if (op instanceof Linear) {
                Linear l = (Linear) op;
                g.msg(5, tensor(l.weight()));
                String[] ins = l.bias() == null ? new String[] {in, l.weight().name()}
                        : new String[] {in, l.weight().name(), l.bias().name()};
                if (l.bias() != null) {
                    g.msg(5, tensor(l.bias()));
                }
                g.msg(1, node(nn, "Gemm", ins, out, intAttr("transB", 1)));
            } else {
                throw new IllegalArgumentException("no ONNX mapping for " + op.type() + " (node " + nn + ")");
            }
        }
        g.str(2, graph.name());
        g.msg(11, valueInfo("input", graph.inputShape()));
        g.msg(12, valueInfo("output", graph.outputShape()));

        Pb opset = new Pb().str(1, "").varint(2, 13);
        return new Pb().varint(1, 8).str(2, "reliant").msg(7, g).msg(8, opset).bytes();
    }

    private static Pb node(String name, String opType, String[] inputs, String output, Pb... attrs) {
        Pb n = new Pb();
        for (String in : inputs) {
            n.str(1, in);
        }
        n.str(2, output).str(3, name).str(4, opType);
        for (Pb a : attrs) {
            n.msg(5, a);
        }
        return n;
    }

    private static Pb intsAttr(String name, long... v) {
        Pb a = new Pb().str(1, name);
        for (long x : v) {
            a.varint(8, x);
        }
        return a.varint(20, 7);
    }

    private static Pb intAttr(String name, long v) {
        return new Pb().str(1, name).varint(3, v).varint(20, 2);
    }

    private static Pb floatAttr(String name, float v) {
        return new Pb().str(1, name).fixed32(2, Float.floatToRawIntBits(v)).varint(20, 1);
    }

    private static Pb stringAttr(String name, String v) {
        return new Pb().str(1, name).str(4, v).varint(20, 3);
    }

    private static Pb tensor(Parameter p) {
        Pb t = new Pb();
        for (int d : p.shape()) {
            t.varint(1, d);
        }
        t.varint(2, 1).str(8, p.name());
        float[] data = p.data();
        byte[] raw = new byte[data.length * 4];
        for (int i = 0; i < data.length; i++) {
            int bits = Float.floatToRawIntBits(data[i]);
            raw[4 * i] = (byte) bits;
            raw[4 * i + 1] = (byte) (bits >>> 8);
            raw[4 * i + 2] = (byte) (bits >>> 16);
            raw[4 * i + 3] = (byte) (bits >>> 24);
        }
        return t.bytes(9, raw);
    }

    private static Pb int64Tensor(String name, long... v) {
        Pb t = new Pb().varint(1, v.length).varint(2, 7).str(8, name);
        byte[] raw = new byte[v.length * 8];
        for (int i = 0; i < v.length; i++) {
            for (int b = 0; b < 8; b++) {
                raw[8 * i + b] = (byte) (v[i] >>> (8 * b));
            }
        }
        return t.bytes(9, raw);
    }

    /** A float tensor value [N, ...perImage] with N the symbolic dimension "N". */
    private static Pb valueInfo(String name, int[] perImage) {
        Pb shape = new Pb().msg(1, new Pb().str(2, "N"));
        for (int d : perImage) {
            shape.msg(1, new Pb().varint(1, d));
        }
        Pb tensorType = new Pb().varint(1, 1).msg(2, shape);
        return new Pb().str(1, name).msg(2, new Pb().msg(1, tensorType));
    }

    /** A minimal protobuf message writer: key = (field << 3) | wire type. */
    static final class Pb {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                buf.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            buf.write((int) v);
        }

        Pb varint(int field, long v) {
            raw(((long) field << 3) | 0);
            raw(v);
            return this;
        }

        Pb fixed32(int field, int v) {
            raw(((long) field << 3) | 5);
            buf.write(v);
            buf.write(v >>> 8);
            buf.write(v >>> 16);
            buf.write(v >>> 24);
            return this;
        }

        Pb bytes(int field, byte[] b) {
            raw(((long) field << 3) | 2);
            raw(b.length);
            buf.write(b, 0, b.length);
            return this;
        }

        Pb str(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Pb msg(int field, Pb m) {
            return bytes(field, m.bytes());
        }

        byte[] bytes() {
            return buf.toByteArray();
        }
    }
}
