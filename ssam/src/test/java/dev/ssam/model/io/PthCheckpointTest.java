package dev.ssam.model.io;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.io.FileFormatException;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PthCheckpointTest {
    @TempDir
    Path tmp;

    private PthCheckpoint golden() throws Exception {
        return PthCheckpoint.read(GoldenFiles.resource(getClass(), "micro-checkpoint-4.pth"));
    }

    @Test
    void modelEqualsTheTrainedParamsBitwise() throws Exception {
        Map<String, Tensor> model = golden().modelStateDict();
        try (Safetensors st = Safetensors.open(GoldenFiles.resource(getClass(), "micro_adamw.safetensors"))) {
            List<String> params = st.names().stream().filter(n -> n.startsWith("param.")).map(n -> n.substring(6)).sorted().toList();
            assertEquals(params, model.keySet().stream().sorted().toList());
            for (String name : params) {
                TensorCompare.assertBitwiseEqual(name, st.tensor("param." + name), model.get(name));
            }
        }
    }

    @Test
    void exposesTheTrainerFields() throws Exception {
        PthCheckpoint ckpt = golden();
        assertEquals("micro-checkpoint-4", ckpt.prefix());
        assertEquals("3", ckpt.version());
        assertEquals(ByteOrder.LITTLE_ENDIAN, ckpt.byteOrder());
        assertEquals(List.of("model", "optimizer", "epoch", "scaler", "args"), List.copyOf(((Map<?, ?>) ckpt.root()).keySet()));
        assertEquals(4L, ckpt.get("epoch"));
        assertEquals(Map.of(), ckpt.get("scaler"));

        PickledObject args = assertInstanceOf(PickledObject.class, ckpt.get("args"));
        assertEquals(new PickledGlobal("argparse", "Namespace"), args.type());
        assertEquals(100L, args.attribute("epochs"));
        assertEquals(10L, args.attribute("warmup_epochs"));
        assertEquals(6e-4, args.attribute("lr"));
        assertEquals("configs.ssam_micro", args.attribute("config"));
        assertEquals("float32", args.attribute("precision"));

        Map<?, ?> optimizer = (Map<?, ?>) ckpt.get("optimizer");
        List<?> groups = (List<?>) optimizer.get("param_groups");
        assertEquals(2, groups.size());
        Map<?, ?> noDecay = (Map<?, ?>) groups.get(0);
        Map<?, ?> decay = (Map<?, ?>) groups.get(1);
        assertEquals(0.0, noDecay.get("weight_decay"));
        assertEquals(0.05, decay.get("weight_decay"));
        assertEquals(15, ((List<?>) noDecay.get("params")).size());
        assertEquals(17, ((List<?>) decay.get("params")).size());
        assertEquals(List.of(0.9, 0.95), decay.get("betas"));
        assertEquals(1e-8, decay.get("eps"));
        Map<?, ?> state = (Map<?, ?>) optimizer.get("state");
        assertEquals(32, state.size());
        Map<?, ?> first = (Map<?, ?>) state.get(0L);
        PthTensor step = (PthTensor) first.get("step");
        assertArrayEquals(new int[0], step.shape());
        assertEquals(5f, step.toFloat32().get());
        assertArrayEquals(new int[] {32}, ((PthTensor) first.get("exp_avg")).shape());
    }

    private static byte[] floats(ByteOrder order, float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(order);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    private static float[] range(int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = k;
        }
        return v;
    }

    @Test
    void materialisesStridesOffsetsAndExpansion() throws Exception {
        PthFixture f = new PthFixture().op('}').mark().str("model").global("collections", "OrderedDict").op(')', 'R').mark();
        f.str("contiguous").tensor("FloatStorage", "0", 12, 0, new long[] {3, 4}, new long[] {4, 1});
        f.str("transposed").tensor("FloatStorage", "0", 12, 0, new long[] {3, 4}, new long[] {1, 3});
        f.str("window").tensor("FloatStorage", "0", 12, 4, new long[] {2, 2}, new long[] {3, 1});
        f.str("expanded").tensor("FloatStorage", "0", 12, 6, new long[] {2, 3}, new long[] {0, 1});
        f.op('u', 'u').storage("0", floats(ByteOrder.LITTLE_ENDIAN, range(12)));
        PthCheckpoint ckpt = PthCheckpoint.read(f.write(tmp.resolve("strides.pth")));
        Map<String, PthTensor> raw = ckpt.modelTensors();
        assertTrue(raw.get("contiguous").isContiguous());
        assertFalse(raw.get("transposed").isContiguous());
        Map<String, Tensor> m = ckpt.modelStateDict();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(4 * i + j, m.get("contiguous").get(i, j));
                assertEquals(i + 3 * j, m.get("transposed").get(i, j));
            }
        }
        assertArrayEquals(new float[] {4, 5, 7, 8}, m.get("window").toArray());
        assertArrayEquals(new float[] {6, 7, 8, 6, 7, 8}, m.get("expanded").toArray());
    }

    /**
     * A protocol-4 pickle made by CPython's pickle module with stand-ins for torch's rebuild function
     * and storage class (FRAME, MEMOIZE, STACK_GLOBAL, SHORT_BINUNICODE, LONG1, sets, bytes):
     * {'model': OrderedDict(w=(2, 3) tensor, wt=its (3, 2) transpose), 'big': 2**70, 'neg': -5,
     * 'f': 0.25, 's': {1, 2}, 'fs': frozenset({3}), 'b': b'\x00\x01', 't': (1, 'x', None, True), 'l': [1.5] * 3}.
     */
    private static final String PROTOCOL_4_PICKLE = "8004954e010000000000007d94288c056d6f64656c948c0b636f6c6c656374696f6e73948c0b4f726465726564446963" +
            "74949394295294288c0177948c0c746f7263682e5f7574696c73948c125f72656275696c645f74656e736f725f763294" +
            "939428288c0773746f72616765948c05746f726368948c0c466c6f617453746f726167659493948c0130948c03637075" +
            "944b067494514b004b024b0386944b034b018694896804295294749452948c0277749468092828680a680d680e680f4b" +
            "067494514b004b034b0286944b014b03869489680429529474945294758c03626967948a090000000000000000408c03" +
            "6e6567944afbffffff8c016694473fd00000000000008c0173948f94284b014b02908c02667394284b0391948c016294" +
            "43020001948c017494284b018c0178944e8874948c016c945d9428473ff8000000000000473ff8000000000000473ff8" +
            "00000000000065752e";

    @Test
    void readsProtocol4PicklesFromCPython() throws Exception {
        byte[] pkl = java.util.HexFormat.of().parseHex(PROTOCOL_4_PICKLE);
        PthFixture f = new PthFixture().storage("0", floats(ByteOrder.LITTLE_ENDIAN, range(6)));
        PthCheckpoint ckpt = PthCheckpoint.read(f.write(tmp.resolve("p4.pth"), pkl));
        Map<String, Tensor> m = ckpt.modelStateDict();
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, m.get("w").toArray());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, m.get("wt").toArray());
        assertEquals(java.math.BigInteger.TWO.pow(70), ckpt.get("big"));
        assertEquals(-5L, ckpt.get("neg"));
        assertEquals(0.25, ckpt.get("f"));
        assertEquals(java.util.Set.of(1L, 2L), ckpt.get("s"));
        assertEquals(java.util.Set.of(3L), ckpt.get("fs"));
        assertArrayEquals(new byte[] {0, 1}, (byte[]) ckpt.get("b"));
        assertEquals(Arrays.asList(1L, "x", null, true), ckpt.get("t"));
        assertEquals(List.of(1.5, 1.5, 1.5), ckpt.get("l"));
    }

    @Test
    void widensOtherFloatTypesAndHonoursByteOrder() throws Exception {
        ByteBuffer half = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer bf16 = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer f64 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = {1.5f, -2.25f, 1024f};
        for (float x : v) {
            half.putShort(Float.floatToFloat16(x));
            bf16.putShort((short) (Float.floatToRawIntBits(x) >>> 16));
            f64.putDouble(x);
        }
        PthFixture f = new PthFixture().op('}').mark().str("model").op('}').mark();
        f.str("h").tensor("HalfStorage", "0", 3, 0, new long[] {3}, new long[] {1});
        f.str("b").tensor("BFloat16Storage", "1", 3, 0, new long[] {3}, new long[] {1});
        f.str("d").tensor("DoubleStorage", "2", 3, 0, new long[] {3}, new long[] {1});
        f.op('u', 'u').storage("0", half.array()).storage("1", bf16.array()).storage("2", f64.array());
        Map<String, Tensor> m = PthCheckpoint.read(f.write(tmp.resolve("types.pth"))).modelStateDict();
        for (String k : List.of("h", "b", "d")) {
            assertArrayEquals(v, m.get(k).toArray(), k);
        }

        PthFixture big = new PthFixture().op('}').mark().str("model").op('}').mark();
        big.str("w").tensor("FloatStorage", "0", 3, 0, new long[] {3}, new long[] {1}).op('u', 'u');
        big.byteOrder("big").storage("0", floats(ByteOrder.BIG_ENDIAN, v));
        PthCheckpoint ckpt = PthCheckpoint.read(big.write(tmp.resolve("big.pth")));
        assertEquals(ByteOrder.BIG_ENDIAN, ckpt.byteOrder());
        assertArrayEquals(v, ckpt.modelStateDict().get("w").toArray());
    }

    @Test
    void keepsUnknownGlobalsInertAndExecutesNothing() throws Exception {
        Path marker = tmp.resolve("pwned");
        PthFixture f = new PthFixture().op('}').mark();
        f.str("system").global("os", "system").mark().str("touch " + marker).op('t', 'R');
        f.str("eval").str("builtins").str("eval").op(0x93).mark().str("__import__('os')").op('t', 'R');
        f.str("ns").global("argparse", "Namespace").op(')', 0x81).op('}').mark().str("lr").op('G', 0x3f, 0xf0, 0, 0, 0, 0, 0, 0)
                .op('u', 'b');
        f.op('u');
        PthCheckpoint ckpt = PthCheckpoint.read(f.write(tmp.resolve("hostile.pth")));
        PickledObject system = assertInstanceOf(PickledObject.class, ckpt.get("system"));
        assertEquals(new PickledGlobal("os", "system"), system.type());
        assertEquals(List.of("touch " + marker), system.args());
        PickledObject eval = assertInstanceOf(PickledObject.class, ckpt.get("eval"));
        assertEquals("builtins.eval", eval.type().toString());
        assertEquals(1.0, assertInstanceOf(PickledObject.class, ckpt.get("ns")).attribute("lr"));
        assertFalse(Files.exists(marker));
    }

    @Test
    void rejectsAFileThatIsNotAZip() throws Exception {
        Path p = Files.writeString(tmp.resolve("text.pth"), "this is not a checkpoint");
        assertProblem(p, "not a zip archive");
    }

    @Test
    void rejectsALegacyCheckpoint() throws Exception {
        Path p = Files.write(tmp.resolve("legacy.pth"), new byte[] {(byte) 0x80, 2, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc,
                (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19});
        assertProblem(p, "legacy (pre-1.6, non-zip)");
    }

    @Test
    void rejectsAZipWithoutDataPkl() throws Exception {
        Path p = tmp.resolve("nopkl.pth");
        try (OutputStream os = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry("archive/version"));
            zip.write('3');
            zip.closeEntry();
        }
        assertProblem(p, "no '<name>/data.pkl' entry");
    }

    @Test
    void rejectsATruncatedStorageNamingTheTensor() throws Exception {
        PthFixture f = new PthFixture().op('}').mark().str("model").op('}').mark();
        f.str("blocks.0.mixer.A_log").tensor("FloatStorage", "0", 12, 0, new long[] {3, 4}, new long[] {4, 1}).op('u', 'u');
        f.storage("0", floats(ByteOrder.LITTLE_ENDIAN, range(5)));
        PthCheckpoint ckpt = PthCheckpoint.read(f.write(tmp.resolve("short.pth")));
        FileFormatException e = assertThrows(FileFormatException.class, ckpt::modelStateDict);
        assertTrue(e.getMessage().startsWith(tmp.resolve("short.pth") + ": tensor 'blocks.0.mixer.A_log'"), e.getMessage());
        assertTrue(e.getMessage().contains("holds 20 bytes") && e.getMessage().contains("truncated checkpoint"), e.getMessage());
    }

    @Test
    void rejectsAMissingStorage() throws Exception {
        PthFixture f = new PthFixture().op('}').mark().str("model").op('}').mark();
        f.str("w").tensor("FloatStorage", "7", 3, 0, new long[] {3}, new long[] {1}).op('u', 'u');
        assertProblem(f.write(tmp.resolve("nostorage.pth")), "storage '7' (3 float32) has no entry archive/data/7");
    }

    @Test
    void rejectsIntegerTensorsWhenMaterialised() throws Exception {
        PthFixture f = new PthFixture().op('}').mark().str("model").op('}').mark();
        f.str("num_batches_tracked").tensor("LongStorage", "0", 1, 0, new long[0], new long[0]).op('u', 'u');
        f.storage("0", new byte[8]);
        PthCheckpoint ckpt = PthCheckpoint.read(f.write(tmp.resolve("long.pth")));
        assertEquals(StorageType.LONG, ckpt.modelTensors().get("num_batches_tracked").dtype());
        FileFormatException e = assertThrows(FileFormatException.class, ckpt::modelStateDict);
        assertTrue(e.getMessage().contains("tensor 'num_batches_tracked' is int64 (torch.LongStorage)"), e.getMessage());
    }

    @Test
    void rejectsUnsupportedOpcodesAndTruncatedPickles() throws Exception {
        PthFixture ext = new PthFixture().op(0x82, 1);
        assertProblem(ext.write(tmp.resolve("ext.pth")), "archive/data.pkl at byte 2: unsupported pickle opcode 0x82");
        PthFixture cut = new PthFixture().op('}').mark().str("model");
        byte[] pkl = cut.pickleBytes();
        assertProblem(cut.write(tmp.resolve("cut.pth"), Arrays.copyOf(pkl, pkl.length - 3)), "truncated pickle");
        PthFixture noMark = new PthFixture().op('}', 'u');
        assertProblem(noMark.write(tmp.resolve("nomark.pth")), "no MARK on the stack");
    }

    @Test
    void rejectsAStateDictThatIsNotOne() throws Exception {
        PthFixture f = new PthFixture().op('}').mark().str("model").integer(3).op('u');
        PthCheckpoint ckpt = PthCheckpoint.read(f.write(tmp.resolve("notdict.pth")));
        FileFormatException e = assertThrows(FileFormatException.class, () -> ckpt.tensors("model"));
        assertTrue(e.getMessage().contains("'model' is a Long, expected a state dict"), e.getMessage());
        FileFormatException none = assertThrows(FileFormatException.class, ckpt::modelTensors);
        assertTrue(none.getMessage().contains("no model state dict"), none.getMessage());
    }

    private static void assertProblem(Path file, String fragment) {
        FileFormatException e = assertThrows(FileFormatException.class, () -> PthCheckpoint.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), "message lacks the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
