/*
 * portable.h: the dialect every SSAM GPU kernel is written in, prepended to each kernel source
 * (KernelSource). The same text compiles as OpenCL C 1.2 (branch chosen by the compiler's
 * __OPENCL_VERSION__) and as CUDA C++ through NVRTC (__CUDACC_RTC__ or __CUDACC__).
 *
 * Rules for kernel sources (both compilers must accept the text unchanged):
 *  1. Kernels are `KERNEL void name(...)`; names are unique across all sources (CUDA exports
 *     them extern "C", so the host finds them by the same name).
 *  2. Kernel arguments are only `GLOBAL float *`, `GLOBAL const float *`, `int` and `float`:
 *     no size_t, long, double, bool, structs, vector types (float4) or images. Offsets into a
 *     buffer are passed as int arguments, never as pointer arithmetic on the host.
 *  3. A pointer argument may be NULL (an absent optional tensor): compare it with 0 before use.
 *  4. Work-group (shared) memory is `LOCAL float name[SIZE];` declared at the top level of the
 *     kernel body with SIZE a compile-time constant; a helper receives it as `LOCAL_PTR float *`.
 *     BARRIER() must be reached by every work-item of the group: no early return in a kernel
 *     that has a barrier.
 *  5. Indices: THREAD_ID(d), BLOCK_ID(d), BLOCK_DIM(d), GRID_DIM(d) (in groups) and GLOBAL_ID(d),
 *     d a literal 0, 1 or 2; all are int. Global sizes are rounded up to whole groups by the host,
 *     so kernels bound-check their indices.
 *  6. Math uses the C99 float names expf, exp2f, logf, log1pf, sqrtf, fabsf, fmaf, fmaxf, fminf,
 *     copysignf (mapped below to the OpenCL built-ins); float literals carry the f suffix; no
 *     double arithmetic.
 *  7. Helpers are `DEVICE float name(...)`. C99 only: no overloading, templates, references,
 *     classes, `new`, `bool`; declare loop counters in the for statement. `#pragma unroll` is
 *     allowed (both compilers honour it). Identifiers avoid both languages' keywords (OpenCL:
 *     kernel, global, local, constant, private; CUDA/C++: this, new, delete, template, class).
 *  8. No contraction: a * b + c rounds twice unless written fmaf(a, b, c), so an expression
 *     rounds as the Java reference does (OpenCL: FP_CONTRACT OFF below; NVRTC must be given
 *     --fmad=false). Division and sqrt are correctly rounded (OpenCL programs are built with
 *     -cl-fp32-correctly-rounded-divide-sqrt where the device supports it; NVRTC's defaults
 *     --prec-div=true --prec-sqrt=true).
 *  9. Compile-time parameters arrive as -D options (e.g. -DSSAM_NSTATE=24) and are listed at
 *     the top of each source.
 * 10. A work-group array whose elements are read in runs of four from a multiple of 4 (a row of
 *     B, say, the same for the whole group) is declared `LOCAL_ALIGN16 float name[SIZE];`: 16-byte
 *     aligned, so the CUDA compiler reads each run with one 128-bit load (it does not otherwise).
 */
#ifndef SSAM_PORTABLE_H
#define SSAM_PORTABLE_H

#if defined(__OPENCL_VERSION__) || defined(__OPENCL_C_VERSION__)

#pragma OPENCL FP_CONTRACT OFF
#define KERNEL __kernel
#define GLOBAL __global
#define LOCAL __local
#define LOCAL_PTR __local
#define DEVICE static inline
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#define THREAD_ID(d) ((int) get_local_id(d))
#define BLOCK_ID(d) ((int) get_group_id(d))
#define BLOCK_DIM(d) ((int) get_local_size(d))
#define GRID_DIM(d) ((int) get_num_groups(d))
#define GLOBAL_ID(d) ((int) get_global_id(d))
#define expf(x) exp(x)
#define exp2f(x) exp2(x)
#define logf(x) log(x)
#define log1pf(x) log1p(x)
#define sqrtf(x) sqrt(x)
#define fabsf(x) fabs(x)
#define fmaf(a, b, c) fma(a, b, c)
#define fmaxf(a, b) fmax(a, b)
#define fminf(a, b) fmin(a, b)
#define copysignf(a, b) copysign(a, b)
#define LOCAL_ALIGN16 __local __attribute__((aligned(16)))

#elif defined(__CUDACC_RTC__) || defined(__CUDACC__)

#define KERNEL extern "C" __global__
#define GLOBAL
#define LOCAL __shared__
#define LOCAL_PTR
/* Not static: nvcc and NVRTC warn (#177) about every unused static helper in a module. */
#define DEVICE __device__ __forceinline__
#define BARRIER() __syncthreads()
#define SSAM_DIM3(v, d) ((d) == 0 ? (int) (v).x : (d) == 1 ? (int) (v).y : (int) (v).z)
#define THREAD_ID(d) SSAM_DIM3(threadIdx, d)
#define BLOCK_ID(d) SSAM_DIM3(blockIdx, d)
#define BLOCK_DIM(d) SSAM_DIM3(blockDim, d)
#define GRID_DIM(d) SSAM_DIM3(gridDim, d)
#define GLOBAL_ID(d) (BLOCK_ID(d) * BLOCK_DIM(d) + THREAD_ID(d))
#define LOCAL_ALIGN16 __shared__ __align__(16)

#else
#error "portable.h: compile as OpenCL C or as CUDA C (NVRTC)"
#endif

/* Softplus is the identity above this (torch's threshold for beta = 1). */
#define SSAM_SOFTPLUS_THRESHOLD 20.0f

/* 1 / (1 + e^-x). */
DEVICE float ssam_sigmoid(float x) {
    return 1.0f / (1.0f + expf(-x));
}

/* x / (1 + e^-x), as torch's silu. */
DEVICE float ssam_silu(float x) {
    return x / (1.0f + expf(-x));
}

/* d silu / dx = s (1 + x (1 - s)), s = sigmoid(x). */
DEVICE float ssam_silu_grad(float x) {
    float s = ssam_sigmoid(x);
    return s * (1.0f + x * (1.0f - s));
}

/* x > 20 ? x : log1p(e^x). */
DEVICE float ssam_softplus(float x) {
    return x > SSAM_SOFTPLUS_THRESHOLD ? x : log1pf(expf(x));
}

/* d softplus / dx = x > 20 ? 1 : e^x / (e^x + 1). */
DEVICE float ssam_softplus_grad(float x) {
    if (x > SSAM_SOFTPLUS_THRESHOLD) {
        return 1.0f;
    }
    float z = expf(x);
    return z / (z + 1.0f);
}

/*
 * erf within about 1 ulp: N. Juffa's float approximation, the same coefficients as the Java
 * VectorMath.erf (an odd polynomial below |a| = 475/512, 1 - exp(poly(|a|)) above).
 */
DEVICE float ssam_erf(float a) {
    float t = fabsf(a);
    float s = a * a;
    if (t > 0.927734375f) {
        float r = fmaf(-1.72853470e-5f, t, 3.83197126e-4f);
        float u = fmaf(-3.88396438e-3f, t, 2.42546219e-2f);
        r = fmaf(r, s, u);
        r = fmaf(r, t, -1.06777877e-1f);
        r = fmaf(r, t, -6.34846687e-1f);
        r = fmaf(r, t, -1.28717512e-1f);
        r = fmaf(r, t, -t);
        r = 1.0f - expf(r);
        return copysignf(r, a);
    }
    float r = -5.96761703e-4f;
    r = fmaf(r, s, 4.99119423e-3f);
    r = fmaf(r, s, -2.67681349e-2f);
    r = fmaf(r, s, 1.12819925e-1f);
    r = fmaf(r, s, -3.76125336e-1f);
    r = fmaf(r, s, 1.28379166e-1f);
    return fmaf(r, a, a);
}

/* Exact GELU: x/2 (1 + erf(x / sqrt 2)). */
DEVICE float ssam_gelu(float x) {
    return x * 0.5f * (1.0f + ssam_erf(x * 0.70710678118654752f));
}

/* d gelu / dx = Phi(x) + x phi(x). */
DEVICE float ssam_gelu_grad(float x) {
    float cdf = 0.5f * (1.0f + ssam_erf(x * 0.70710678118654752f));
    float pdf = 0.39894228040143268f * expf(x * x * -0.5f);
    return cdf + x * pdf;
}

#endif
