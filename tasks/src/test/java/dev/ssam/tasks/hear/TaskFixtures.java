package dev.ssam.tasks.hear;

import dev.ssam.ops.audio.WavEncoding;
import dev.ssam.ops.audio.WavWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-written HEAR task folders for tests. */
final class TaskFixtures {
    private TaskFixtures() {
    }

    /** A 0.05 s 16 kHz tone. */
    static float[] tone(double hz) {
        float[] x = new float[800];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * hz * i / 16000));
        }
        return x;
    }

    static String metadata(String splitMode, String splitsJson, String embeddingType, String predictionType) {
        return "{\"task_name\": \"fixture\", \"mode\": \"full\", \"embedding_type\": \"" + embeddingType + "\", "
                + "\"prediction_type\": \"" + predictionType + "\", \"split_mode\": \"" + splitMode + "\", "
                + (splitsJson == null ? "\"nfolds\": 3, " : "\"splits\": " + splitsJson + ", ")
                + "\"sample_duration\": 0.05, \"evaluation\": [\"top1_acc\"]}";
    }

    /**
     * A valid 3-fold multiclass task: classes a and b, two clips per fold (one each).
     * Returns the folder.
     */
    static Path threeFolds(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("task_metadata.json"), metadata("new_split_kfold", null, "scene", "multiclass"));
        for (int f = 0; f < 3; f++) {
            String fold = "fold0" + f;
            Map<String, List<String>> labels = new LinkedHashMap<>();
            labels.put("a" + f + ".wav", List.of("a"));
            labels.put("b" + f + ".wav", List.of("b"));
            writeSplit(dir, fold, labels);
        }
        return dir;
    }

    /** Writes {@code <split>.json} and a short WAV for each file. */
    static void writeSplit(Path dir, String split, Map<String, List<String>> labels) throws IOException {
        StringBuilder json = new StringBuilder("{");
        Path audio = dir.resolve("16000").resolve(split);
        Files.createDirectories(audio);
        int i = 0;
        for (Map.Entry<String, List<String>> e : labels.entrySet()) {
            json.append(i++ > 0 ? ", " : "").append('"').append(e.getKey()).append("\": [");
            for (int k = 0; k < e.getValue().size(); k++) {
                json.append(k > 0 ? ", " : "").append('"').append(e.getValue().get(k)).append('"');
            }
            json.append(']');
            WavWriter.write(audio.resolve(e.getKey()), tone(200 + 50 * i), 1, 16000, WavEncoding.PCM_S16);
        }
        Files.writeString(dir.resolve(split + ".json"), json.append('}').toString());
    }
}
