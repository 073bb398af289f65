package dev.ssam.tools;

import dev.ssam.model.SsamParams;
import dev.ssam.model.SsamWeights;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code --model FILE}, shared by the commands that read SSAM weights ({@code @Mixin}).
 *
 * <p>The option is required: no trained SSAM weights ship with this project, and embeddings from
 * an untrained model would look like results without being any. Accepted: one {@code .safetensors}
 * file, a sharded checkpoint's {@code *.safetensors.index.json}, or an official {@code .pth}
 * trainer checkpoint (see {@link SsamWeights#load}).
 */
public final class ModelOptions {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE",
            description = "SSAM weights: one safetensors file, the index (json) of a sharded safetensors checkpoint, "
                    + "or an official PyTorch checkpoint (pth).")
    Path model;

    /** The weights path as given. */
    public Path path() {
        return model;
    }

    /** Loads the weights; the config comes from the file's metadata or its tensor shapes. */
    public SsamParams load() throws IOException {
        return SsamWeights.load(model);
    }
}
