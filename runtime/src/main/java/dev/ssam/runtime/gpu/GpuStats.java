package dev.ssam.runtime.gpu;

/**
 * Host-device traffic counted by a {@link GpuContext}: how many copies went each way and how many
 * bytes they moved, and kernel launches. A training step that keeps its tensors on the device
 * shows uploads of the batch only and one small download (the loss).
 *
 * @param uploads       host-to-device copies
 * @param uploadBytes   bytes those copies moved
 * @param downloads     device-to-host copies
 * @param downloadBytes bytes those copies moved
 * @param launches      kernel launches (library calls such as cuBLAS count one each)
 */
public record GpuStats(long uploads, long uploadBytes, long downloads, long downloadBytes, long launches) {
}
