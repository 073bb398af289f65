package dev.ssam.tools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The container a weights file uses, detected the way {@code SsamWeights.load} detects it: a zip
 * signature means a PyTorch {@code torch.save} checkpoint, a {@code .json} name a sharded
 * safetensors index, anything else one safetensors file.
 */
enum WeightsFormat {
    /** One {@code .safetensors} file. */
    SAFETENSORS("safetensors (one file)"),
    /** A {@code *.safetensors.index.json} and the shards it names. */
    SHARDED_SAFETENSORS("safetensors (sharded, through its index)"),
    /** A PyTorch {@code torch.save} zip checkpoint; the state dict under {@code "model"}. */
    PTH("PyTorch checkpoint (torch.save zip)");

    private final String description;

    WeightsFormat(String description) {
        this.description = description;
    }

    /** How {@code ssam info} names the format. */
    String description() {
        return description;
    }

    /** The format of the existing file {@code path}. */
    static WeightsFormat of(Path path) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return PTH;
        }
        return path.getFileName().toString().endsWith(".json") ? SHARDED_SAFETENSORS : SAFETENSORS;
    }
}
