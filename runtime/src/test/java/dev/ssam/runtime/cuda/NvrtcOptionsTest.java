package dev.ssam.runtime.cuda;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NvrtcOptionsTest {
    private static final int[] NVRTC_13 = {75, 80, 86, 87, 88, 89, 90, 100, 103, 110, 120, 121};

    @Test
    void optionsNameTheArchitectureForbidContractionAndAppendDefines() {
        assertEquals(List.of("--gpu-architecture=compute_90", "--fmad=false", "--prec-div=true", "--prec-sqrt=true",
                        "--ftz=false", "-default-device", "-DSSAM_CUDA", "-DSSAM_NSTATE=24", "-DX=1"),
                Nvrtc.options(90, "  -DSSAM_NSTATE=24 \t -DX=1 "));
        assertEquals(List.of("--gpu-architecture=compute_80", "--fmad=false", "--prec-div=true", "--prec-sqrt=true",
                "--ftz=false", "-default-device", "-DSSAM_CUDA"), Nvrtc.options(80, null));
        assertEquals(Nvrtc.options(80, null), Nvrtc.options(80, " "));
    }

    @Test
    void choosesTheNewestSupportedArchitectureNotNewerThanTheDevice() {
        assertEquals(90, Nvrtc.chooseArch(90, NVRTC_13));
        assertEquals(89, Nvrtc.chooseArch(89, NVRTC_13));
        assertEquals(80, Nvrtc.chooseArch(82, NVRTC_13));
        assertEquals(121, Nvrtc.chooseArch(130, NVRTC_13));
    }

    @Test
    void deviceOlderThanEverySupportedArchitectureIsUnavailable() {
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> Nvrtc.chooseArch(70, NVRTC_13));
        assertTrue(e.getMessage().contains("compute capability 7.0"), e.getMessage());
    }
}
