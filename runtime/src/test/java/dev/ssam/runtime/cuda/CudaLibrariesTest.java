package dev.ssam.runtime.cuda;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CudaLibrariesTest {

    @Test
    void searchesSettingFoldersThenStandardNamesThenToolkitFolders() {
        List<String> c = CudaLibraries.candidates(CudaLibraries.Library.NVRTC, "", "/opt/a: /opt/b");
        assertEquals(List.of(
                "/opt/a/libnvrtc.so", "/opt/a/libnvrtc.so.13", "/opt/a/libnvrtc.so.12",
                "/opt/b/libnvrtc.so", "/opt/b/libnvrtc.so.13", "/opt/b/libnvrtc.so.12",
                "libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12",
                "/usr/local/cuda/targets/x86_64-linux/lib/libnvrtc.so",
                "/usr/local/cuda/targets/x86_64-linux/lib/libnvrtc.so.13",
                "/usr/local/cuda/targets/x86_64-linux/lib/libnvrtc.so.12",
                "/usr/local/cuda/lib64/libnvrtc.so", "/usr/local/cuda/lib64/libnvrtc.so.13",
                "/usr/local/cuda/lib64/libnvrtc.so.12"), c);
    }

    @Test
    void driverIsSearchedByStandardNamesWithoutToolkitStubs() {
        assertEquals(List.of("libcuda.so.1", "libcuda.so"),
                CudaLibraries.candidates(CudaLibraries.Library.DRIVER, "", ""));
        assertEquals(List.of("/x/libcuda.so.1", "/x/libcuda.so", "libcuda.so.1", "libcuda.so"),
                CudaLibraries.candidates(CudaLibraries.Library.DRIVER, " ", "/x"));
    }

    @Test
    void driverSettingIsTheOnlyDriverCandidate() {
        assertEquals(List.of("/opt/driver/libcuda.so.1"),
                CudaLibraries.candidates(CudaLibraries.Library.DRIVER, " /opt/driver/libcuda.so.1 ", "/x"));
        assertEquals(List.of("libcublas.so", "libcublas.so.13", "libcublas.so.12",
                        "/usr/local/cuda/targets/x86_64-linux/lib/libcublas.so",
                        "/usr/local/cuda/targets/x86_64-linux/lib/libcublas.so.13",
                        "/usr/local/cuda/targets/x86_64-linux/lib/libcublas.so.12",
                        "/usr/local/cuda/lib64/libcublas.so", "/usr/local/cuda/lib64/libcublas.so.13",
                        "/usr/local/cuda/lib64/libcublas.so.12"),
                CudaLibraries.candidates(CudaLibraries.Library.CUBLAS, "/opt/driver/libcuda.so.1", ""));
    }

    @Test
    void missingLibraryIsAnUnavailableExceptionListingWhatWasTried() {
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> CudaLibraries.open(CudaLibraries.Library.DRIVER, "/nonexistent/libcuda.so.1", ""));
        assertTrue(e.getMessage().startsWith("CUDA: cannot load the CUDA driver library; tried "
                + "/nonexistent/libcuda.so.1 (no such file)."), e.getMessage());
        assertTrue(e.getMessage().contains("-Dssam.cudaDriver"), e.getMessage());
    }

    @Test
    void libraryNameTheLinkerCannotFindIsAnUnavailableExceptionNotACrash() {
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> CudaLibraries.open(CudaLibraries.Library.DRIVER, "libssam-no-such-driver.so.1", ""));
        assertTrue(e.getMessage().contains("tried libssam-no-such-driver.so.1 ("), e.getMessage());
        assertTrue(!e.getMessage().contains("(no such file)"), e.getMessage());
    }

    @Test
    void missingToolkitLibraryMessageNamesEveryCandidateAndTheSetting() {
        List<String> tried = CudaLibraries.candidates(CudaLibraries.Library.CUBLAS, "", "/nonexistent");
        try {
            CudaLibraries.open(CudaLibraries.Library.CUBLAS, "", "/nonexistent");
            System.err.println("cuBLAS is installed here: the missing-library message is checked on the driver only");
        } catch (CudaUnavailableException e) {
            for (String candidate : tried) {
                assertTrue(e.getMessage().contains(candidate + " ("), candidate + " missing from: " + e.getMessage());
            }
            assertTrue(e.getMessage().contains("-Dssam.cudaLibraryPath"), e.getMessage());
        }
    }
}
