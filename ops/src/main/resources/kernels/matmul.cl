/*
 * Matrix multiply (dev.ssam.ops.matmul.Gemm, BLAS sgemm on row-major storage) and the bias
 * gradient of a linear layer (Matmul.linearBackward).
 *
 * sgemm_tiled: C = alpha op(A) op(B) + beta C [+ bias], op(A) (m, k), op(B) (k, n), C (m, n):
 *   op(A)[i,p] = transA ? A[p lda + i] : A[i lda + p];  op(B)[p,j] = transB ? B[j ldb + p] : B[p ldb + j];
 *   C[i,j] = C[i ldc + j]. Each work-group of GEMM_THREADS x GEMM_THREADS work-items computes a
 *   GEMM_TILE x GEMM_TILE block of C, GEMM_WORK x GEMM_WORK elements per work-item (rows and
 *   columns GEMM_THREADS apart), stepping through k in slices of GEMM_KT staged in work-group
 *   memory (loads coalesced along whichever index is contiguous for the transpose). Sums run in
 *   ascending p with fmaf. k = 0 means A and B are not read (alpha = 0 is passed as k = 0 too);
 *   beta = 0 means C is not read. Grid (ceil(n / TILE) * THREADS, ceil(m / TILE) * THREADS).
 */
#define GEMM_TILE 64
#define GEMM_KT 16
#define GEMM_THREADS 16
#define GEMM_WORK 4

KERNEL void sgemm_tiled(int transA, int transB, int m, int n, int k, float alpha,
                        GLOBAL const float *A, int lda, GLOBAL const float *B, int ldb, float beta,
                        GLOBAL float *C, int ldc, GLOBAL const float *bias) {
    LOCAL float As[GEMM_KT * GEMM_TILE];
    LOCAL float Bs[GEMM_KT * GEMM_TILE];
    int tx = THREAD_ID(0);
    int ty = THREAD_ID(1);
    int tid = ty * GEMM_THREADS + tx;
    int row0 = BLOCK_ID(1) * GEMM_TILE;
    int col0 = BLOCK_ID(0) * GEMM_TILE;
    float acc[GEMM_WORK * GEMM_WORK];
#pragma unroll
    for (int q = 0; q < GEMM_WORK * GEMM_WORK; q++) {
        acc[q] = 0.0f;
    }
    for (int p0 = 0; p0 < k; p0 += GEMM_KT) {
        /* stage op(A)[row0.., p0..] as As[p][r] and op(B)[p0.., col0..] as Bs[p][c] */
        for (int l = tid; l < GEMM_KT * GEMM_TILE; l += GEMM_THREADS * GEMM_THREADS) {
            int r = transA ? l % GEMM_TILE : l / GEMM_KT;
            int p = transA ? l / GEMM_TILE : l % GEMM_KT;
            int i = row0 + r;
            int pa = p0 + p;
            float va = 0.0f;
            if (i < m && pa < k) {
                va = transA ? A[pa * lda + i] : A[i * lda + pa];
            }
            As[p * GEMM_TILE + r] = va;
            int c = transB ? l / GEMM_KT : l % GEMM_TILE;
            int pb = transB ? l % GEMM_KT : l / GEMM_TILE;
            int j = col0 + c;
            int pg = p0 + pb;
            float vb = 0.0f;
            if (j < n && pg < k) {
                vb = transB ? B[j * ldb + pg] : B[pg * ldb + j];
            }
            Bs[pb * GEMM_TILE + c] = vb;
        }
        BARRIER();
        int kt = k - p0 < GEMM_KT ? k - p0 : GEMM_KT;
        for (int p = 0; p < kt; p++) {
            float av[GEMM_WORK];
            float bv[GEMM_WORK];
#pragma unroll
            for (int w = 0; w < GEMM_WORK; w++) {
                av[w] = As[p * GEMM_TILE + ty + w * GEMM_THREADS];
                bv[w] = Bs[p * GEMM_TILE + tx + w * GEMM_THREADS];
            }
#pragma unroll
            for (int wi = 0; wi < GEMM_WORK; wi++) {
#pragma unroll
                for (int wj = 0; wj < GEMM_WORK; wj++) {
                    acc[wi * GEMM_WORK + wj] = fmaf(av[wi], bv[wj], acc[wi * GEMM_WORK + wj]);
                }
            }
        }
        BARRIER();
    }
#pragma unroll
    for (int wi = 0; wi < GEMM_WORK; wi++) {
#pragma unroll
        for (int wj = 0; wj < GEMM_WORK; wj++) {
            int i = row0 + ty + wi * GEMM_THREADS;
            int j = col0 + tx + wj * GEMM_THREADS;
            if (i < m && j < n) {
                float scaled = beta == 0.0f ? 0.0f : beta * C[i * ldc + j];
                float v;
                if (k == 0) {
                    v = scaled;
                } else {
                    v = beta == 0.0f ? alpha * acc[wi * GEMM_WORK + wj] : alpha * acc[wi * GEMM_WORK + wj] + scaled;
                }
                C[i * ldc + j] = bias != 0 ? v + bias[j] : v;
            }
        }
    }
}

/*
 * gbias[j] = sum_i gout[i, j] in two deterministic passes; gout (m, n). The partial pass sums
 * blocks of rowsPerBlock rows, ascending: part (blocks, n), grid (n, blocks); the reduce pass adds
 * the blocks in order, grid (n).
 */
KERNEL void matmul_column_sums_partial(GLOBAL const float *gout, GLOBAL float *part, int m, int n, int rowsPerBlock) {
    int j = GLOBAL_ID(0);
    int block = GLOBAL_ID(1);
    if (j < n) {
        int first = block * rowsPerBlock;
        int end = first + rowsPerBlock < m ? first + rowsPerBlock : m;
        float acc = 0.0f;
        for (int i = first; i < end; i++) {
            acc += gout[i * n + j];
        }
        part[block * n + j] = acc;
    }
}

KERNEL void matmul_column_sums_reduce(GLOBAL const float *part, GLOBAL float *gbias, int n, int blocks) {
    int j = GLOBAL_ID(0);
    if (j < n) {
        float acc = 0.0f;
        for (int k = 0; k < blocks; k++) {
            acc += part[k * n + j];
        }
        gbias[j] = acc;
    }
}
