/*
 * LlmForge's MKL CPU-dispatch shim (compiled at build time into libllmforge_mkl_cpu.so, see
 * LlmForge.Backends.Mkl.csproj and MklCpuDispatch.cs).
 *
 * MKL 2020 chooses its kernels by asking mkl_serv_intel_cpu_true() whether the processor is an Intel one, and
 * gives every other processor its AVX2 (or older) code even when the processor runs AVX-512: on this project's
 * AMD EPYC (Zen 5, AVX-512 F/CD/BW/DQ/VL) cblas_sgemm then runs at less than half the speed it reaches with its
 * AVX-512 kernels. Loaded into the global symbol scope before MKL, this definition answers that question for MKL's
 * libraries instead of MKL's own, so MKL dispatches on the instruction sets alone. It is loaded only where the
 * processor has every AVX-512 subset MKL's AVX-512 kernels use; results are checked by the same parity tests.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
