// sgemm speed and accuracy of one OpenBLAS kernel on workbench's GEMM shapes.
//
//   cc -O2 benchmarks/sgemm-cores.c -lopenblas -o /tmp/sgemm-cores
//   for c in Prescott Haswell SkylakeX Cooperlake; do OPENBLAS_CORETYPE=$c /tmp/sgemm-cores; done
//
// For each shape C[m×n] = A[m×k]·B[k×n] (row-major, single-threaded BLAS as the trainer uses it):
// GFLOP/s (best of several runs) and the largest error against a double-precision reference
// product, relative to Σ|a||b| of that entry (so ≈1e-7 is float rounding, anything near 1 is wrong).
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    openblas_set_num_threads(1);
    // name, m, n, k: lenet5 and convnet-wide conv forward per 16-sample chunk (per sample), dense, ceiling.
    struct { const char *name; int m, n, k; } shapes[] = {
        {"lenet conv1 fwd 6x784x25", 6, 784, 25},     {"lenet conv2 fwd 16x100x150", 16, 100, 150},
        {"lenet conv2 dcol 150x100x16", 150, 100, 16}, {"wide conv2 fwd 64x196x288", 64, 196, 288},
        {"wide conv1 fwd 32x784x9", 32, 784, 9},       {"wide fc 16x128x3136", 16, 128, 3136},
        {"square 768", 768, 768, 768},
    };
    printf("core %s\n", openblas_get_corename());
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int m = shapes[s].m, n = shapes[s].n, k = shapes[s].k;
        float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n), *c = malloc(sizeof(float) * m * n);
        unsigned state = 12345u + s;
        for (int i = 0; i < m * k; i++) { state = state * 1664525u + 1013904223u; a[i] = (state >> 8) / 16777216.0f - 0.5f; }
        for (int i = 0; i < k * n; i++) { state = state * 1664525u + 1013904223u; b[i] = (state >> 8) / 16777216.0f - 0.5f; }
        double flops = 2.0 * m * n * k, best = 1e30;
        int repeats = (int)(2e8 / flops) + 3;
        for (int r = 0; r < 5; r++) {
            double t = now();
            for (int i = 0; i < repeats; i++)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, b, n, 0, c, n);
            t = (now() - t) / repeats;
            if (t < best) best = t;
        }
        double worst = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double sum = 0, scale = 0;
                for (int p = 0; p < k; p++) { sum += (double)a[i * k + p] * b[p * n + j]; scale += fabs((double)a[i * k + p] * b[p * n + j]); }
                double e = fabs(c[i * n + j] - sum) / (scale > 0 ? scale : 1);
                if (e > worst) worst = e;
            }
        printf("%-30s %8.1f GFLOP/s  max rel err %.2e\n", shapes[s].name, flops / best / 1e9, worst);
        free(a); free(b); free(c);
    }
    return 0;
}
