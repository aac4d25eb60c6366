using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

/// <summary>
/// The strong hand-written peer: what an engineer who knows the machine writes for a fixed topology.
/// <list type="bullet">
/// <item>Every layer is a GEMM C = epilogue(A B) over a block of rows, computed by register-blocked <see cref="Vector256"/>
/// micro-kernels (4 rows x 16 columns = 8 accumulators for blocks of rows, 1 x 64 / 32 / 16 / 8 for single rows) with
/// FMA (<see cref="Fma"/> when supported). 4 x 16 rather than 4 x 32: AVX2 has 16 vector registers, and 16 accumulators
/// plus the operands would spill; a 6 x 16 tile (12 accumulators) was tried and measured no faster here. The bias, the
/// activation, the activation derivative or the SGD update are fused into the tile's epilogue, so Z never makes a round
/// trip through memory.</item>
/// <item>Weights are padded to a multiple of 8 columns (zeros), activations and deltas to the same widths, so every
/// vector load is whole; the real sizes bound every reduction, so the padding never leaks into a result.</item>
/// <item>Polynomial exp (Cephes' degree-6 expf) gives sigmoid, tanh and softmax as inlined vector code.</item>
/// <item>Training is batched: Z[l] = A[l-1] W[l] + b[l] for all m rows; dZ[l-1] = (dZ[l] W[l]^T) * g'(A[l-1]) as one
/// GEMM against a transposed copy of W[l] (kept for layers 2..L, refreshed after each update); W[l] -= (lr/m) A[l-1]^T dZ[l]
/// as one GEMM whose epilogue applies plain SGD in place; b[l] -= (lr/m) column sums of dZ[l].</item>
/// <item>Narrow networks (every layer at most 16 units: W1, W2) use 8 examples per vector instead (TiledMlp.Lanes.cs).</item>
/// <item>Every buffer is allocated once (pinned, 32-byte aligned) for the largest batch; a call allocates nothing.</item>
/// </list>
/// The cost returned by <see cref="TrainStep"/> is J = (1/m) sum_i L_i as the generated code defines it.
/// Requires <see cref="Vector256.IsHardwareAccelerated"/> (x64 with AVX2).
/// </summary>
public sealed unsafe partial class TiledMlp
{
    private readonly int _layers;
    private readonly int[] _n;
    private readonly int[] _np;
    private readonly ArrayMlp.Kind[] _kinds;
    private readonly bool _crossEntropy;
    private readonly int _maxBatch;
    private readonly float*[] _w;
    private readonly float*[] _wt;
    private readonly float*[] _b;
    private readonly float*[] _a;
    private readonly float*[] _dz;
    private readonly System.Collections.Generic.List<float[]> _storage = new();

    /// <summary>Copies <paramref name="parameters"/> (the generated layout) into padded buffers.</summary>
    public TiledMlp(Workload workload, ReadOnlySpan<float> parameters, int maxBatch)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            throw new PlatformNotSupportedException("TiledMlp needs 256-bit vectors.");
        }

        _n = workload.Sizes;
        _layers = _n.Length - 1;
        _kinds = workload.Activations;
        _crossEntropy = workload.CrossEntropy;
        _maxBatch = maxBatch;
        Workloads.CheckSupported(workload);
        _np = new int[_n.Length];
        for (int l = 0; l <= _layers; l++)
        {
            _np[l] = (_n[l] + 7) & ~7;
        }

        _w = new float*[_layers + 1];
        _wt = new float*[_layers + 1];
        _b = new float*[_layers + 1];
        _a = new float*[_layers + 1];
        _dz = new float*[_layers + 1];
        for (int l = 1; l <= _layers; l++)
        {
            _w[l] = Allocate(_n[l - 1] * _np[l]);
            _wt[l] = Allocate(_n[l] * _np[l - 1]);
            _b[l] = Allocate(_np[l]);
            _a[l] = Allocate(maxBatch * _np[l]);
            _dz[l] = Allocate(maxBatch * _np[l]);
        }

        int offset = 0;
        for (int l = 1; l <= _layers; l++)
        {
            for (int j = 0; j < _n[l - 1]; j++)
            {
                parameters.Slice(offset, _n[l]).CopyTo(new Span<float>(_w[l] + (j * _np[l]), _n[l]));
                offset += _n[l];
            }

            parameters.Slice(offset, _n[l]).CopyTo(new Span<float>(_b[l], _n[l]));
            offset += _n[l];
            RefreshTranspose(l);
        }

        InitializeLanes();
    }

    /// <summary>Writes the parameters in the generated layout.</summary>
    public void CopyParametersTo(Span<float> parameters)
    {
        int offset = 0;
        for (int l = 1; l <= _layers; l++)
        {
            for (int j = 0; j < _n[l - 1]; j++)
            {
                new ReadOnlySpan<float>(_w[l] + (j * _np[l]), _n[l]).CopyTo(parameters.Slice(offset));
                offset += _n[l];
            }

            new ReadOnlySpan<float>(_b[l], _n[l]).CopyTo(parameters.Slice(offset));
            offset += _n[l];
        }
    }

    /// <summary>One example: n_0 inputs to n_L outputs.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        fixed (float* x = input)
        {
            // One row: the 1 x 64/32/16/8 tiles, for narrow networks too (measured faster than scalar loops for W2,
            // no different for W1).
            ForwardRows(x, 1);
        }

        new ReadOnlySpan<float>(_a[_layers], _n[_layers]).CopyTo(output);
    }

    /// <summary>X (m x n_0) to A[L] (m x n_L), in blocks of at most the largest batch.</summary>
    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int n0 = _n[0];
        int nL = _n[_layers];
        int m = inputs.Length / n0;
        fixed (float* x = inputs)
        {
            if (_lanes)
            {
                ForwardBatchLanes(x, m, outputs);
                return;
            }

            for (int start = 0; start < m; start += _maxBatch)
            {
                int rows = Math.Min(_maxBatch, m - start);
                ForwardRows(x + (start * n0), rows);
                float* aL = _a[_layers];
                for (int i = 0; i < rows; i++)
                {
                    new ReadOnlySpan<float>(aL + (i * _np[_layers]), nL).CopyTo(outputs.Slice((start + i) * nL, nL));
                }
            }
        }
    }

    /// <summary>
    /// One SGD step on one batch (m &lt;= the largest batch): theta -= lr dJ/dtheta. Returns J before the update.
    /// </summary>
    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate)
    {
        int n0 = _n[0];
        int nL = _n[_layers];
        int npL = _np[_layers];
        int m = inputs.Length / n0;
        if (m > _maxBatch || m < 1)
        {
            throw new ArgumentException($"1 to {_maxBatch} rows expected, got {m}.", nameof(inputs));
        }

        float scale = learningRate / m;
        fixed (float* x = inputs)
        fixed (float* y = targets)
        {
            if (_lanes)
            {
                return TrainStepLanes(x, y, m, scale);
            }

            ForwardRows(x, m);

            // dZ[L] = dJ_i/dZ[L] per row: A - Y for softmax + cross-entropy and identity + MSE, (A - Y) a (1 - a) for
            // sigmoid + MSE; the padded columns stay zero.
            float cost = 0;
            float* aL = _a[_layers];
            float* dzL = _dz[_layers];
            ArrayMlp.Kind outKind = _kinds[_layers - 1];
            for (int i = 0; i < m; i++)
            {
                float* a = aL + (i * npL);
                float* d = dzL + (i * npL);
                float* t = y + (i * nL);
                for (int k = 0; k < nL; k++)
                {
                    float diff = a[k] - t[k];
                    if (_crossEntropy)
                    {
                        if (t[k] != 0)
                        {
                            cost -= t[k] * MathF.Log(a[k]);
                        }

                        d[k] = diff;
                    }
                    else
                    {
                        cost += 0.5f * diff * diff;
                        d[k] = outKind == ArrayMlp.Kind.Sigmoid ? diff * a[k] * (1 - a[k]) : diff;
                    }
                }
            }

            for (int l = _layers; l >= 1; l--)
            {
                float* aPrev = l == 1 ? x : _a[l - 1];
                nint ldaPrev = l == 1 ? n0 : _np[l - 1];
                if (l > 1)
                {
                    // dZ[l-1] = (dZ[l] W[l]^T) * g'(A[l-1]), before W[l] changes.
                    Backward(l, m);
                }

                // W[l] -= (lr/m) A[l-1]^T dZ[l]: rows of the tile are units j of layer l-1, the sum runs over the m rows.
                var sgd = new SgdUpdate(_w[l], scale);
                Gemm(ref sgd, aPrev, 1, ldaPrev, _n[l - 1], m, _dz[l], _np[l], _w[l], _np[l], _np[l]);

                // b[l] -= (lr/m) sum_i dZ[l][i, :].
                for (int c = 0; c < _np[l]; c += 8)
                {
                    Vector256<float> sum = Vector256<float>.Zero;
                    float* dz = _dz[l] + c;
                    for (int i = 0; i < m; i++)
                    {
                        sum += Vector256.Load(dz + (i * _np[l]));
                    }

                    Vector256.Store(Vector256.Load(_b[l] + c) - (Vector256.Create(scale) * sum), _b[l] + c);
                }

                if (l > 1)
                {
                    RefreshTranspose(l);
                }
            }

            return cost / m;
        }
    }

    /// <summary>A[l] = g(A[l-1] W[l] + b[l]) for l = 1..L over the first <paramref name="rows"/> rows; A[0] = x (unpadded).</summary>
    private void ForwardRows(float* x, int rows)
    {
        for (int l = 1; l <= _layers; l++)
        {
            float* aPrev = l == 1 ? x : _a[l - 1];
            nint lda = l == 1 ? _n[0] : _np[l - 1];
            float* w = _w[l];
            float* bias = _b[l];
            float* a = _a[l];
            int k = _n[l - 1];
            int np = _np[l];
            switch (_kinds[l - 1])
            {
                case ArrayMlp.Kind.ReLU:
                    var relu = new BiasActivation<Relu>(bias);
                    Gemm(ref relu, aPrev, lda, 1, rows, k, w, np, a, np, np);
                    break;
                case ArrayMlp.Kind.Tanh:
                    var tanh = new BiasActivation<Tanh>(bias);
                    Gemm(ref tanh, aPrev, lda, 1, rows, k, w, np, a, np, np);
                    break;
                case ArrayMlp.Kind.Sigmoid:
                    var sigmoid = new BiasActivation<Sigmoid>(bias);
                    Gemm(ref sigmoid, aPrev, lda, 1, rows, k, w, np, a, np, np);
                    break;
                default:
                    var identity = new BiasActivation<Identity>(bias);
                    Gemm(ref identity, aPrev, lda, 1, rows, k, w, np, a, np, np);
                    if (_kinds[l - 1] == ArrayMlp.Kind.Softmax)
                    {
                        for (int i = 0; i < rows; i++)
                        {
                            SoftmaxRow(a + (i * np), _n[l], np);
                        }
                    }

                    break;
            }
        }
    }

    /// <summary>dZ[l-1] = (dZ[l] W[l]^T) * g'(A[l-1]): a GEMM of dZ[l] (m x n_l) and W[l]^T (n_l x n_{l-1}, padded).</summary>
    private void Backward(int l, int m)
    {
        float* dz = _dz[l];
        float* wt = _wt[l];
        float* aPrev = _a[l - 1];
        float* dzPrev = _dz[l - 1];
        int np = _np[l];
        int npPrev = _np[l - 1];
        switch (_kinds[l - 2])
        {
            case ArrayMlp.Kind.ReLU:
                var relu = new Delta<Relu>(aPrev);
                Gemm(ref relu, dz, np, 1, m, _n[l], wt, npPrev, dzPrev, npPrev, npPrev);
                break;
            case ArrayMlp.Kind.Tanh:
                var tanh = new Delta<Tanh>(aPrev);
                Gemm(ref tanh, dz, np, 1, m, _n[l], wt, npPrev, dzPrev, npPrev, npPrev);
                break;
            case ArrayMlp.Kind.Sigmoid:
                var sigmoid = new Delta<Sigmoid>(aPrev);
                Gemm(ref sigmoid, dz, np, 1, m, _n[l], wt, npPrev, dzPrev, npPrev, npPrev);
                break;
            case ArrayMlp.Kind.Identity:
                var identity = new Delta<Identity>(aPrev);
                Gemm(ref identity, dz, np, 1, m, _n[l], wt, npPrev, dzPrev, npPrev, npPrev);
                break;
            default:
                throw new NotSupportedException("Softmax is supported as the output layer only.");
        }
    }

    /// <summary>W[l]^T (n_l rows, n_{l-1} columns padded to 8) from W[l]; layer 1 needs none (no dA[0]).</summary>
    private void RefreshTranspose(int l)
    {
        if (l == 1)
        {
            return;
        }

        float* w = _w[l];
        float* wt = _wt[l];
        int np = _np[l];
        int npPrev = _np[l - 1];
        for (int j = 0; j < _n[l - 1]; j++)
        {
            for (int k = 0; k < _n[l]; k++)
            {
                wt[(k * npPrev) + j] = w[(j * np) + k];
            }
        }
    }

    private float* Allocate(int length)
    {
        // On the pinned object heap (never moved; kept alive by _storage for the life of this instance); 32-byte aligned.
        float[] array = GC.AllocateArray<float>(length + 8, pinned: true);
        _storage.Add(array);
        nint address = (nint)Unsafe.AsPointer(ref array[0]);
        return (float*)((address + 31) & ~(nint)31);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // GEMM driver and micro-kernels: C[r, c] = e(sum_k A(r, k) B[k, c]) where A(r, k) = a[r * rs + k * ks] (so the same
    // kernel reads A or A^T), B is row-major with leading dimension ldb and C with ldc. cols is a multiple of 8.
    // ---------------------------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;

    private static void Gemm<TE>(ref TE e, float* a, nint rs, nint ks, int rows, int kCount, float* b, nint ldb, float* c, nint ldc, int cols)
        where TE : struct, IEpilogue
    {
        int rowsMain = rows & ~3;
        if (rowsMain > 0)
        {
            // A K x 16 panel of B stays in cache while every block of 4 rows passes over it.
            int col = 0;
            for (; col + 16 <= cols; col += 16)
            {
                for (int i = 0; i < rowsMain; i += 4)
                {
                    Tile4x16(ref e, a + (i * rs), rs, ks, b + col, ldb, kCount, c, (i * ldc) + col, col, ldc);
                }
            }

            if (col < cols)
            {
                for (int i = 0; i < rowsMain; i += 4)
                {
                    Tile4x8(ref e, a + (i * rs), rs, ks, b + col, ldb, kCount, c, (i * ldc) + col, col, ldc);
                }
            }
        }

        for (int i = rowsMain; i < rows; i++)
        {
            float* ai = a + (i * rs);
            nint row = i * ldc;
            int col = 0;
            for (; col + 64 <= cols; col += 64)
            {
                Tile1x64(ref e, ai, ks, b + col, ldb, kCount, c, row + col, col);
            }

            if (col + 32 <= cols)
            {
                Tile1x32(ref e, ai, ks, b + col, ldb, kCount, c, row + col, col);
                col += 32;
            }

            if (col + 16 <= cols)
            {
                Tile1x16(ref e, ai, ks, b + col, ldb, kCount, c, row + col, col);
                col += 16;
            }

            if (col < cols)
            {
                Tile1x8(ref e, ai, ks, b + col, ldb, kCount, c, row + col, col);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4x16<TE>(ref TE e, float* a, nint rs, nint ks, float* b, nint ldb, int kCount, float* c, nint at, nint col, nint ldc)
        where TE : struct, IEpilogue
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int k = 0; k < kCount; k++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> a0 = Vector256.Create(a[0]);
            Vector256<float> a1 = Vector256.Create(a[rs]);
            c00 = MulAdd(a0, b0, c00);
            c01 = MulAdd(a0, b1, c01);
            c10 = MulAdd(a1, b0, c10);
            c11 = MulAdd(a1, b1, c11);
            Vector256<float> a2 = Vector256.Create(a[2 * rs]);
            Vector256<float> a3 = Vector256.Create(a[3 * rs]);
            c20 = MulAdd(a2, b0, c20);
            c21 = MulAdd(a2, b1, c21);
            c30 = MulAdd(a3, b0, c30);
            c31 = MulAdd(a3, b1, c31);
            a += ks;
            b += ldb;
        }

        e.Store(c00, c, at, col);
        e.Store(c01, c, at + 8, col + 8);
        e.Store(c10, c, at + ldc, col);
        e.Store(c11, c, at + ldc + 8, col + 8);
        e.Store(c20, c, at + (2 * ldc), col);
        e.Store(c21, c, at + (2 * ldc) + 8, col + 8);
        e.Store(c30, c, at + (3 * ldc), col);
        e.Store(c31, c, at + (3 * ldc) + 8, col + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4x8<TE>(ref TE e, float* a, nint rs, nint ks, float* b, nint ldb, int kCount, float* c, nint at, nint col, nint ldc)
        where TE : struct, IEpilogue
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
        for (int k = 0; k < kCount; k++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            c0 = MulAdd(Vector256.Create(a[0]), b0, c0);
            c1 = MulAdd(Vector256.Create(a[rs]), b0, c1);
            c2 = MulAdd(Vector256.Create(a[2 * rs]), b0, c2);
            c3 = MulAdd(Vector256.Create(a[3 * rs]), b0, c3);
            a += ks;
            b += ldb;
        }

        e.Store(c0, c, at, col);
        e.Store(c1, c, at + ldc, col);
        e.Store(c2, c, at + (2 * ldc), col);
        e.Store(c3, c, at + (3 * ldc), col);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile1x64<TE>(ref TE e, float* a, nint ks, float* b, nint ldb, int kCount, float* c, nint at, nint col)
        where TE : struct, IEpilogue
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector256<float> c4 = default, c5 = default, c6 = default, c7 = default;
        for (int k = 0; k < kCount; k++)
        {
            Vector256<float> ak = Vector256.Create(*a);
            c0 = MulAdd(ak, Vector256.Load(b), c0);
            c1 = MulAdd(ak, Vector256.Load(b + 8), c1);
            c2 = MulAdd(ak, Vector256.Load(b + 16), c2);
            c3 = MulAdd(ak, Vector256.Load(b + 24), c3);
            c4 = MulAdd(ak, Vector256.Load(b + 32), c4);
            c5 = MulAdd(ak, Vector256.Load(b + 40), c5);
            c6 = MulAdd(ak, Vector256.Load(b + 48), c6);
            c7 = MulAdd(ak, Vector256.Load(b + 56), c7);
            a += ks;
            b += ldb;
        }

        e.Store(c0, c, at, col);
        e.Store(c1, c, at + 8, col + 8);
        e.Store(c2, c, at + 16, col + 16);
        e.Store(c3, c, at + 24, col + 24);
        e.Store(c4, c, at + 32, col + 32);
        e.Store(c5, c, at + 40, col + 40);
        e.Store(c6, c, at + 48, col + 48);
        e.Store(c7, c, at + 56, col + 56);
    }

    // The narrower one-row tiles split k into even and odd halves: twice the independent FMA chains.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile1x32<TE>(ref TE e, float* a, nint ks, float* b, nint ldb, int kCount, float* c, nint at, nint col)
        where TE : struct, IEpilogue
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector256<float> d0 = default, d1 = default, d2 = default, d3 = default;
        int k = 0;
        for (; k + 2 <= kCount; k += 2)
        {
            Vector256<float> ak = Vector256.Create(*a);
            Vector256<float> an = Vector256.Create(a[ks]);
            float* bn = b + ldb;
            c0 = MulAdd(ak, Vector256.Load(b), c0);
            c1 = MulAdd(ak, Vector256.Load(b + 8), c1);
            c2 = MulAdd(ak, Vector256.Load(b + 16), c2);
            c3 = MulAdd(ak, Vector256.Load(b + 24), c3);
            d0 = MulAdd(an, Vector256.Load(bn), d0);
            d1 = MulAdd(an, Vector256.Load(bn + 8), d1);
            d2 = MulAdd(an, Vector256.Load(bn + 16), d2);
            d3 = MulAdd(an, Vector256.Load(bn + 24), d3);
            a += 2 * ks;
            b += 2 * ldb;
        }

        if (k < kCount)
        {
            Vector256<float> ak = Vector256.Create(*a);
            c0 = MulAdd(ak, Vector256.Load(b), c0);
            c1 = MulAdd(ak, Vector256.Load(b + 8), c1);
            c2 = MulAdd(ak, Vector256.Load(b + 16), c2);
            c3 = MulAdd(ak, Vector256.Load(b + 24), c3);
        }

        e.Store(c0 + d0, c, at, col);
        e.Store(c1 + d1, c, at + 8, col + 8);
        e.Store(c2 + d2, c, at + 16, col + 16);
        e.Store(c3 + d3, c, at + 24, col + 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile1x16<TE>(ref TE e, float* a, nint ks, float* b, nint ldb, int kCount, float* c, nint at, nint col)
        where TE : struct, IEpilogue
    {
        Vector256<float> c0 = default, c1 = default, d0 = default, d1 = default;
        int k = 0;
        for (; k + 2 <= kCount; k += 2)
        {
            Vector256<float> ak = Vector256.Create(*a);
            Vector256<float> an = Vector256.Create(a[ks]);
            c0 = MulAdd(ak, Vector256.Load(b), c0);
            c1 = MulAdd(ak, Vector256.Load(b + 8), c1);
            d0 = MulAdd(an, Vector256.Load(b + ldb), d0);
            d1 = MulAdd(an, Vector256.Load(b + ldb + 8), d1);
            a += 2 * ks;
            b += 2 * ldb;
        }

        if (k < kCount)
        {
            Vector256<float> ak = Vector256.Create(*a);
            c0 = MulAdd(ak, Vector256.Load(b), c0);
            c1 = MulAdd(ak, Vector256.Load(b + 8), c1);
        }

        e.Store(c0 + d0, c, at, col);
        e.Store(c1 + d1, c, at + 8, col + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile1x8<TE>(ref TE e, float* a, nint ks, float* b, nint ldb, int kCount, float* c, nint at, nint col)
        where TE : struct, IEpilogue
    {
        Vector256<float> c0 = default, d0 = default;
        int k = 0;
        for (; k + 2 <= kCount; k += 2)
        {
            c0 = MulAdd(Vector256.Create(*a), Vector256.Load(b), c0);
            d0 = MulAdd(Vector256.Create(a[ks]), Vector256.Load(b + ldb), d0);
            a += 2 * ks;
            b += 2 * ldb;
        }

        if (k < kCount)
        {
            c0 = MulAdd(Vector256.Create(*a), Vector256.Load(b), c0);
        }

        e.Store(c0 + d0, c, at, col);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Epilogues: what happens to an accumulator (8 consecutive columns of C starting at element offset `at`).
    // ---------------------------------------------------------------------------------------------------------------

    private interface IEpilogue
    {
        void Store(Vector256<float> sum, float* c, nint at, nint col);
    }

    /// <summary>Forward: A = g(sum + b).</summary>
    private readonly struct BiasActivation<TG>(float* bias) : IEpilogue
        where TG : struct, IActivation
    {
        private readonly float* _bias = bias;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector256<float> sum, float* c, nint at, nint col) =>
            Vector256.Store(TG.Apply(sum + Vector256.Load(_bias + col)), c + at);
    }

    /// <summary>Backward: dZ[l-1] = sum * g'(A[l-1]), A[l-1] stored with the same leading dimension as dZ[l-1].</summary>
    private readonly struct Delta<TG>(float* activations) : IEpilogue
        where TG : struct, IActivation
    {
        private readonly float* _activations = activations;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector256<float> sum, float* c, nint at, nint col) =>
            Vector256.Store(sum * TG.DerivativeFromOutput(Vector256.Load(_activations + at)), c + at);
    }

    /// <summary>SGD in place: W -= scale * sum.</summary>
    private readonly struct SgdUpdate(float* w, float scale) : IEpilogue
    {
        private readonly float* _w = w;
        private readonly Vector256<float> _scale = Vector256.Create(scale);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector256<float> sum, float* c, nint at, nint col) =>
            Vector256.Store(Vector256.Load(_w + at) - (_scale * sum), c + at);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Activations as vector code: g(z) and g'(z) written from a = g(z).
    // ---------------------------------------------------------------------------------------------------------------

    private interface IActivation
    {
        static abstract Vector256<float> Apply(Vector256<float> z);

        static abstract Vector256<float> DerivativeFromOutput(Vector256<float> a);
    }

    private struct Identity : IActivation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> z) => z;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> DerivativeFromOutput(Vector256<float> a) => Vector256<float>.One;
    }

    private struct Relu : IActivation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> z) =>
            Avx.IsSupported ? Avx.Max(z, Vector256<float>.Zero) : Vector256.Max(z, Vector256<float>.Zero);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> DerivativeFromOutput(Vector256<float> a) =>
            Vector256.GreaterThan(a, Vector256<float>.Zero) & Vector256<float>.One;
    }

    private struct Tanh : IActivation
    {
        /// <summary>tanh z = 1 - 2 / (e^{2z} + 1) (absolute error about 1e-7; saturates to +-1).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> z) =>
            Vector256<float>.One - (Vector256.Create(2f) / (Exp(z + z) + Vector256<float>.One));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> DerivativeFromOutput(Vector256<float> a) => Vector256<float>.One - (a * a);
    }

    private struct Sigmoid : IActivation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> z) =>
            Vector256<float>.One / (Vector256<float>.One + Exp(-z));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> DerivativeFromOutput(Vector256<float> a) => a * (Vector256<float>.One - a);
    }

    /// <summary>
    /// e^x: Cephes expf (x = n ln2 + r, |r| &lt;= ln2/2, degree-6 polynomial in r, 2^n from the exponent bits); relative
    /// error about 2 ulp; x clamped to [-87.3, 88.7] (so e^x of a large negative x is about 1e-38, not 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(-87.3f)), Vector256.Create(88.7f));
        Vector256<float> n = Vector256.Round(x * Vector256.Create(1.44269504088896341f));
        Vector256<float> r = MulAdd(n, Vector256.Create(-0.693359375f), x);
        r = MulAdd(n, Vector256.Create(2.12194440e-4f), r);
        Vector256<float> p = Vector256.Create(1.9875691500e-4f);
        p = MulAdd(p, r, Vector256.Create(1.3981999507e-3f));
        p = MulAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = MulAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = MulAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = MulAdd(p, r, Vector256.Create(5.0000001201e-1f));
        p = MulAdd(p, r * r, r + Vector256<float>.One);
        Vector256<int> bits = (Vector256.ConvertToInt32(n) + Vector256.Create(127)) << 23;
        return p * bits.AsSingle();
    }

    /// <summary>Softmax over the first <paramref name="n"/> of <paramref name="np"/> values, in place: e^{z - max} / sum.</summary>
    private static void SoftmaxRow(float* z, int n, int np)
    {
        Vector256<float> max = Vector256.Create(float.NegativeInfinity);
        Vector256<int> lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        for (int c = 0; c < np; c += 8)
        {
            Vector256<float> live = Vector256.LessThan(lanes + Vector256.Create(c), Vector256.Create(n)).AsSingle();
            max = Vector256.Max(max, Vector256.ConditionalSelect(live, Vector256.Load(z + c), Vector256.Create(float.NegativeInfinity)));
        }

        Vector256<float> shift = Vector256.Create(HorizontalMax(max));
        Vector256<float> sum = Vector256<float>.Zero;
        for (int c = 0; c < np; c += 8)
        {
            Vector256<float> live = Vector256.LessThan(lanes + Vector256.Create(c), Vector256.Create(n)).AsSingle();
            Vector256<float> e = Exp(Vector256.Load(z + c) - shift) & live;
            Vector256.Store(e, z + c);
            sum += e;
        }

        Vector256<float> inverse = Vector256.Create(1f / Vector256.Sum(sum));
        for (int c = 0; c < np; c += 8)
        {
            Vector256.Store(Vector256.Load(z + c) * inverse, z + c);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float HorizontalMax(Vector256<float> v)
    {
        Vector128<float> m = Vector128.Max(v.GetLower(), v.GetUpper());
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
        return m.ToScalar();
    }
}
