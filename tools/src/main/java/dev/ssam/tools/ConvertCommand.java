package dev.ssam.tools;

import dev.ssam.model.SsamParams;
import dev.ssam.model.SsamWeights;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ssam convert}: rewrites SSAM weights (an official {@code .pth} checkpoint, a sharded
 * safetensors index, or a safetensors file) as one safetensors file in the official names and
 * order, with the config JSON in the {@code ssam_config} metadata ({@link SsamWeights#save}). Every
 * tensor is validated on the way in, so a successful conversion is a loadable model.
 */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Convert SSAM weights (pth, sharded or single safetensors) to one safetensors file with official "
                + "names and the config in its metadata.",
        footer = {"", "Example:", "  ssam convert checkpoint-99.pth --out ssam-tiny.safetensors"})
public final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WEIGHTS", description = "The weights to convert.")
    Path input;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
            description = "The safetensors file to write (default: beside the input, its name with the extension safetensors).")
    Path out;

    @Option(names = {"-f", "--force"}, description = "Overwrite the output file if it exists.")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        Path target = out != null ? out : defaultOutput(input);
        try {
            if (Files.exists(target) && Files.exists(input) && Files.isSameFile(target, input)) {
                throw new IllegalArgumentException("--out " + target + " is the input file; choose another name");
            }
            if (Files.exists(target) && !force) {
                throw new FileAlreadyExistsException(target.toString(), null, "already exists (use --force to overwrite)");
            }
            SsamParams p = SsamWeights.load(input);
            stdout.println("read " + input + ": " + WeightsFormat.of(input).description() + ", " + p.config().summary());
            SsamWeights.save(target, p);
            stdout.println(String.format(Locale.ROOT, "wrote %s: %d tensors, %,d parameters, %,d bytes, config in metadata '%s'",
                    target, p.specs().size(), SsamParams.numParams(p.config()), Files.size(target),
                    SsamWeights.CONFIG_METADATA_KEY));
            stdout.flush();
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("ssam convert: " + UserErrors.message(e));
            return 1;
        }
    }

    /** {@code x.pth} gives {@code x.safetensors}; {@code tiny.safetensors.index.json} gives {@code tiny.safetensors}. */
    static Path defaultOutput(Path input) {
        String name = input.getFileName().toString();
        for (String ext : new String[] {".safetensors.index.json", ".json", ".pth", ".pt", ".bin", ".safetensors"}) {
            if (name.endsWith(ext) && name.length() > ext.length()) {
                name = name.substring(0, name.length() - ext.length());
                break;
            }
        }
        return input.resolveSibling(name + ".safetensors");
    }
}
