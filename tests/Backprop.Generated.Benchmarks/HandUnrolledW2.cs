using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

/// <summary>
/// W2 (8-16-16-4, tanh/tanh/identity, MSE) by hand. See <see cref="HandUnrolledMlp"/>. The 484 parameters sit in one
/// 64-byte aligned block in the generated classes' layout, so every row of W1 and W2 is two whole vectors and every
/// row of W3 one Vector128: W1 at 0 (8 x 16), b1 at 128, W2 at 144 (16 x 16), b2 at 400, W3 at 416 (16 x 4), b3 at 480.
/// The training step keeps each block's activations and deltas in lanes and forms the gradient from them afterwards.
/// </summary>
public sealed unsafe class HandUnrolledW2 : HandUnrolledMlp
{
    private const int Count = 484;
    private const int OW1 = 0, OB1 = 128, OW2 = 144, OB2 = 400, OW3 = 416, OB3 = 480;

    // A block of 8 rows in the training step keeps, in lanes: X (8 vectors), A1 (16), A2 (16), dZ1 (16), dZ2 (16),
    // dZ3 (4) and 4 zero vectors (so dZ3 reads as 8 columns); up to Chunk blocks are kept at once.
    private const int BX = 0, BA1 = 8, BA2 = 24, BD1 = 40, BD2 = 56, BD3 = 72, Stride = 80, Chunk = 8;

    private readonly float* _p;      // parameters
    private readonly float* _s;      // one example's hidden activations: a1 at 0, a2 at 16
    private readonly float* _gsum;   // the gradient's sums over the step's rows, parameter q at _gsum[q] (488 floats)
    private readonly Vector256<float>* _blocks;  // Chunk blocks of Stride vectors: X, A1, A2, dZ1, dZ2, dZ3, zeros
    private readonly float* _pad;    // a tail block: 64 inputs, then 32 targets or outputs
    private readonly float[] _storage;

    public HandUnrolledW2(ReadOnlySpan<float> parameters)
    {
        const int floats = 1216 + (8 * Stride * Chunk);
        float* block = Aligned(floats + 64, out _storage);
        _p = block;
        _s = block + 512;
        _gsum = block + 576;
        _pad = block + 1088;
        _blocks = (Vector256<float>*)(block + 1216);
        new Span<float>(block, floats).Clear();
        parameters[..Count].CopyTo(new Span<float>(_p, Count));
    }

    public override void CopyParametersTo(Span<float> parameters) => new ReadOnlySpan<float>(_p, Count).CopyTo(parameters);

    public override void Forward(float[] input, float[] output)
    {
        if (input.Length < 8 || output.Length < 4)
        {
            throw new ArgumentException("input or output too short");
        }

        float* p = _p, s = _s;
        fixed (float* x = input, y = output)
        {
            // Layer 1: 16 units in two registers (lo, hi), two FMA chains each.
            Vector256<float> x0 = Vector256.Create(x[0]), x1 = Vector256.Create(x[1]);
            Vector256<float> lo0 = Fma256(x0, Vector256.Load(p + 0), Vector256.Load(p + OB1));
            Vector256<float> hi0 = Fma256(x0, Vector256.Load(p + 8), Vector256.Load(p + OB1 + 8));
            Vector256<float> lo1 = x1 * Vector256.Load(p + 16);
            Vector256<float> hi1 = x1 * Vector256.Load(p + 24);
            Vector256<float> x2 = Vector256.Create(x[2]), x3 = Vector256.Create(x[3]);
            lo0 = Fma256(x2, Vector256.Load(p + 32), lo0);
            hi0 = Fma256(x2, Vector256.Load(p + 40), hi0);
            lo1 = Fma256(x3, Vector256.Load(p + 48), lo1);
            hi1 = Fma256(x3, Vector256.Load(p + 56), hi1);
            Vector256<float> x4 = Vector256.Create(x[4]), x5 = Vector256.Create(x[5]);
            lo0 = Fma256(x4, Vector256.Load(p + 64), lo0);
            hi0 = Fma256(x4, Vector256.Load(p + 72), hi0);
            lo1 = Fma256(x5, Vector256.Load(p + 80), lo1);
            hi1 = Fma256(x5, Vector256.Load(p + 88), hi1);
            Vector256<float> x6 = Vector256.Create(x[6]), x7 = Vector256.Create(x[7]);
            lo0 = Fma256(x6, Vector256.Load(p + 96), lo0);
            hi0 = Fma256(x6, Vector256.Load(p + 104), hi0);
            lo1 = Fma256(x7, Vector256.Load(p + 112), lo1);
            hi1 = Fma256(x7, Vector256.Load(p + 120), hi1);
            Vector256.Store(Tanh(lo0 + lo1), s);
            Vector256.Store(Tanh(hi0 + hi1), s + 8);

            // Layer 2: each a1_j broadcast from memory into 16 units; four chains per half.
            float* w = p + OW2;
            Vector256<float> a;
            a = Vector256.Create(s[0]);
            Vector256<float> l0 = Fma256(a, Vector256.Load(w + 0), Vector256.Load(p + OB2));
            Vector256<float> h0 = Fma256(a, Vector256.Load(w + 8), Vector256.Load(p + OB2 + 8));
            a = Vector256.Create(s[1]);
            Vector256<float> l1 = a * Vector256.Load(w + 16);
            Vector256<float> h1 = a * Vector256.Load(w + 24);
            a = Vector256.Create(s[2]);
            Vector256<float> l2 = a * Vector256.Load(w + 32);
            Vector256<float> h2 = a * Vector256.Load(w + 40);
            a = Vector256.Create(s[3]);
            Vector256<float> l3 = a * Vector256.Load(w + 48);
            Vector256<float> h3 = a * Vector256.Load(w + 56);
            a = Vector256.Create(s[4]); l0 = Fma256(a, Vector256.Load(w + 64), l0); h0 = Fma256(a, Vector256.Load(w + 72), h0);
            a = Vector256.Create(s[5]); l1 = Fma256(a, Vector256.Load(w + 80), l1); h1 = Fma256(a, Vector256.Load(w + 88), h1);
            a = Vector256.Create(s[6]); l2 = Fma256(a, Vector256.Load(w + 96), l2); h2 = Fma256(a, Vector256.Load(w + 104), h2);
            a = Vector256.Create(s[7]); l3 = Fma256(a, Vector256.Load(w + 112), l3); h3 = Fma256(a, Vector256.Load(w + 120), h3);
            a = Vector256.Create(s[8]); l0 = Fma256(a, Vector256.Load(w + 128), l0); h0 = Fma256(a, Vector256.Load(w + 136), h0);
            a = Vector256.Create(s[9]); l1 = Fma256(a, Vector256.Load(w + 144), l1); h1 = Fma256(a, Vector256.Load(w + 152), h1);
            a = Vector256.Create(s[10]); l2 = Fma256(a, Vector256.Load(w + 160), l2); h2 = Fma256(a, Vector256.Load(w + 168), h2);
            a = Vector256.Create(s[11]); l3 = Fma256(a, Vector256.Load(w + 176), l3); h3 = Fma256(a, Vector256.Load(w + 184), h3);
            a = Vector256.Create(s[12]); l0 = Fma256(a, Vector256.Load(w + 192), l0); h0 = Fma256(a, Vector256.Load(w + 200), h0);
            a = Vector256.Create(s[13]); l1 = Fma256(a, Vector256.Load(w + 208), l1); h1 = Fma256(a, Vector256.Load(w + 216), h1);
            a = Vector256.Create(s[14]); l2 = Fma256(a, Vector256.Load(w + 224), l2); h2 = Fma256(a, Vector256.Load(w + 232), h2);
            a = Vector256.Create(s[15]); l3 = Fma256(a, Vector256.Load(w + 240), l3); h3 = Fma256(a, Vector256.Load(w + 248), h3);
            Vector256.Store(Tanh((l0 + l1) + (l2 + l3)), s + 16);
            Vector256.Store(Tanh((h0 + h1) + (h2 + h3)), s + 24);

            // Layer 3: 4 units in one Vector128, four chains.
            w = p + OW3;
            float* a2 = s + 16;
            Vector128<float> q0 = Fma128(Vector128.Create(a2[0]), Vector128.Load(w + 0), Vector128.Load(p + OB3));
            Vector128<float> q1 = Vector128.Create(a2[1]) * Vector128.Load(w + 4);
            Vector128<float> q2 = Vector128.Create(a2[2]) * Vector128.Load(w + 8);
            Vector128<float> q3 = Vector128.Create(a2[3]) * Vector128.Load(w + 12);
            q0 = Fma128(Vector128.Create(a2[4]), Vector128.Load(w + 16), q0);
            q1 = Fma128(Vector128.Create(a2[5]), Vector128.Load(w + 20), q1);
            q2 = Fma128(Vector128.Create(a2[6]), Vector128.Load(w + 24), q2);
            q3 = Fma128(Vector128.Create(a2[7]), Vector128.Load(w + 28), q3);
            q0 = Fma128(Vector128.Create(a2[8]), Vector128.Load(w + 32), q0);
            q1 = Fma128(Vector128.Create(a2[9]), Vector128.Load(w + 36), q1);
            q2 = Fma128(Vector128.Create(a2[10]), Vector128.Load(w + 40), q2);
            q3 = Fma128(Vector128.Create(a2[11]), Vector128.Load(w + 44), q3);
            q0 = Fma128(Vector128.Create(a2[12]), Vector128.Load(w + 48), q0);
            q1 = Fma128(Vector128.Create(a2[13]), Vector128.Load(w + 52), q1);
            q2 = Fma128(Vector128.Create(a2[14]), Vector128.Load(w + 56), q2);
            q3 = Fma128(Vector128.Create(a2[15]), Vector128.Load(w + 60), q3);
            Vector128.Store((q0 + q1) + (q2 + q3), y);
        }
    }

    public override void ForwardBatch(float[] inputs, float[] outputs)
    {
        int m = inputs.Length / 8;
        if (outputs.Length < m * 4)
        {
            throw new ArgumentException("outputs too short", nameof(outputs));
        }

        fixed (float* px = inputs, py = outputs)
        {
            for (int i = 0; i < m; i += 8)
            {
                int valid = Math.Min(8, m - i);
                float* xs = px + (i * 8);
                if (valid < 8)
                {
                    xs = Pad(xs, valid, null);
                }

                ForwardBlock(xs, _blocks, out Vector256<float> z0, out Vector256<float> z1, out Vector256<float> z2, out Vector256<float> z3);

                // Lanes back to rows: example e's 4 outputs are the low half of row e of the transpose.
                Vector256<float> r4 = z0, r5 = z1, r6 = z2, r7 = z3;
                Transpose8x8(ref z0, ref z1, ref z2, ref z3, ref r4, ref r5, ref r6, ref r7);
                float* ys = valid == 8 ? py + (i * 4) : _pad + 64;
                Vector128.Store(z0.GetLower(), ys);
                Vector128.Store(z1.GetLower(), ys + 4);
                Vector128.Store(z2.GetLower(), ys + 8);
                Vector128.Store(z3.GetLower(), ys + 12);
                Vector128.Store(r4.GetLower(), ys + 16);
                Vector128.Store(r5.GetLower(), ys + 20);
                Vector128.Store(r6.GetLower(), ys + 24);
                Vector128.Store(r7.GetLower(), ys + 28);
                if (valid < 8)
                {
                    new ReadOnlySpan<float>(ys, valid * 4).CopyTo(new Span<float>(py + (i * 4), valid * 4));
                }
            }
        }
    }

    /// <summary>
    /// In chunks of up to 8 blocks of 8 rows: first every block's forward pass and deltas (dZ3 = A3 - Y masked to the
    /// valid rows, dZ2 = (dZ3 W3^T) * (1 - A2^2), dZ1 = (dZ2 W2^T) * (1 - A1^2)), kept in lanes; then each gradient entry
    /// sum_rows a_j dz_k as 8 register accumulators (8 columns k) over the chunk's blocks, reduced by an hadd tree into
    /// the sums; last the SGD update W -= (lr/m) sums. No partial sum goes through memory per block.
    /// </summary>
    public override float TrainStep(float[] inputs, float[] targets, float learningRate)
    {
        int m = inputs.Length / 8;
        if (targets.Length < m * 4)
        {
            throw new ArgumentException("targets too short", nameof(targets));
        }

        float* p = _p, gsum = _gsum;
        new Span<float>(gsum, 488).Clear();
        Vector256<float> one = Vector256<float>.One;
        Vector256<float> cost = default;
        fixed (float* px = inputs, pt = targets)
        {
            for (int chunk = 0; chunk < m; chunk += 8 * Chunk)
            {
                int blocks = Math.Min(Chunk, (m - chunk + 7) / 8);
                for (int b = 0; b < blocks; b++)
                {
                    int i = chunk + (8 * b);
                    int valid = Math.Min(8, m - i);
                    float* xs = px + (i * 8), ts = pt + (i * 4);
                    Vector256<float> mask = Vector256<float>.AllBitsSet;
                    if (valid < 8)
                    {
                        xs = Pad(xs, valid, ts);
                        ts = _pad + 64;
                        mask = LaneMask(valid);
                    }

                    Vector256<float>* slot = _blocks + (b * Stride);
                    ForwardBlock(xs, slot, out Vector256<float> y0, out Vector256<float> y1, out Vector256<float> y2, out Vector256<float> y3);

                    // Targets into lanes: row e's 4 values in the low half of row e, then the same transpose.
                    Vector256<float> t0 = Vector128.Load(ts).ToVector256Unsafe(), t1 = Vector128.Load(ts + 4).ToVector256Unsafe();
                    Vector256<float> t2 = Vector128.Load(ts + 8).ToVector256Unsafe(), t3 = Vector128.Load(ts + 12).ToVector256Unsafe();
                    Vector256<float> t4 = Vector128.Load(ts + 16).ToVector256Unsafe(), t5 = Vector128.Load(ts + 20).ToVector256Unsafe();
                    Vector256<float> t6 = Vector128.Load(ts + 24).ToVector256Unsafe(), t7 = Vector128.Load(ts + 28).ToVector256Unsafe();
                    Transpose8x8(ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7);

                    // Output layer (identity, MSE): dZ3 = A3 - Y, masked to the valid rows.
                    Vector256<float> d0 = (y0 - t0) & mask, d1 = (y1 - t1) & mask, d2 = (y2 - t2) & mask, d3 = (y3 - t3) & mask;
                    cost = Fma256(d0, d0, Fma256(d1, d1, Fma256(d2, d2, Fma256(d3, d3, cost))));
                    Vector256<float>* dz3 = slot + BD3;
                    dz3[0] = d0;
                    dz3[1] = d1;
                    dz3[2] = d2;
                    dz3[3] = d3;

                    // dZ2 = (dZ3 W3^T) * (1 - A2^2).
                    Vector256<float>* a2 = slot + BA2, dz2 = slot + BD2;
                    for (int j = 0; j < 16; j++)
                    {
                        float* w = p + OW3 + (j * 4);
                        Vector256<float> da = Fma256(d0, Vector256.Create(w[0]), d1 * Vector256.Create(w[1]))
                            + Fma256(d2, Vector256.Create(w[2]), d3 * Vector256.Create(w[3]));
                        Vector256<float> a = a2[j];
                        dz2[j] = da * (one - (a * a));
                    }

                    // dZ1 = (dZ2 W2^T) * (1 - A1^2), two units per pass sharing each dZ2 load.
                    Vector256<float>* a1 = slot + BA1, dz1 = slot + BD1;
                    for (int j = 0; j < 16; j += 2)
                    {
                        float* w = p + OW2 + (j * 16);
                        Vector256<float> e = dz2[0];
                        Vector256<float> s0 = e * Vector256.Create(w[0]);
                        Vector256<float> u0 = e * Vector256.Create(w[16]);
                        e = dz2[1];
                        Vector256<float> s1 = e * Vector256.Create(w[1]);
                        Vector256<float> u1 = e * Vector256.Create(w[17]);
                        e = dz2[2]; s0 = Fma256(e, Vector256.Create(w[2]), s0); u0 = Fma256(e, Vector256.Create(w[18]), u0);
                        e = dz2[3]; s1 = Fma256(e, Vector256.Create(w[3]), s1); u1 = Fma256(e, Vector256.Create(w[19]), u1);
                        e = dz2[4]; s0 = Fma256(e, Vector256.Create(w[4]), s0); u0 = Fma256(e, Vector256.Create(w[20]), u0);
                        e = dz2[5]; s1 = Fma256(e, Vector256.Create(w[5]), s1); u1 = Fma256(e, Vector256.Create(w[21]), u1);
                        e = dz2[6]; s0 = Fma256(e, Vector256.Create(w[6]), s0); u0 = Fma256(e, Vector256.Create(w[22]), u0);
                        e = dz2[7]; s1 = Fma256(e, Vector256.Create(w[7]), s1); u1 = Fma256(e, Vector256.Create(w[23]), u1);
                        e = dz2[8]; s0 = Fma256(e, Vector256.Create(w[8]), s0); u0 = Fma256(e, Vector256.Create(w[24]), u0);
                        e = dz2[9]; s1 = Fma256(e, Vector256.Create(w[9]), s1); u1 = Fma256(e, Vector256.Create(w[25]), u1);
                        e = dz2[10]; s0 = Fma256(e, Vector256.Create(w[10]), s0); u0 = Fma256(e, Vector256.Create(w[26]), u0);
                        e = dz2[11]; s1 = Fma256(e, Vector256.Create(w[11]), s1); u1 = Fma256(e, Vector256.Create(w[27]), u1);
                        e = dz2[12]; s0 = Fma256(e, Vector256.Create(w[12]), s0); u0 = Fma256(e, Vector256.Create(w[28]), u0);
                        e = dz2[13]; s1 = Fma256(e, Vector256.Create(w[13]), s1); u1 = Fma256(e, Vector256.Create(w[29]), u1);
                        e = dz2[14]; s0 = Fma256(e, Vector256.Create(w[14]), s0); u0 = Fma256(e, Vector256.Create(w[30]), u0);
                        e = dz2[15]; s1 = Fma256(e, Vector256.Create(w[15]), s1); u1 = Fma256(e, Vector256.Create(w[31]), u1);
                        Vector256<float> a = a1[j];
                        dz1[j] = (s0 + s1) * (one - (a * a));
                        a = a1[j + 1];
                        dz1[j + 1] = (u0 + u1) * (one - (a * a));
                    }
                }

                // The chunk's gradient sums: dW1 = X^T dZ1, dW2 = A1^T dZ2, dW3 = A2^T dZ3 and the bias sums.
                Vector256<float>* first = _blocks;
                for (int j = 0; j < 8; j++)
                {
                    Outer8(first + BX + j, first + BD1, blocks, gsum + OW1 + (j * 16));
                    Outer8(first + BX + j, first + BD1 + 8, blocks, gsum + OW1 + (j * 16) + 8);
                }

                for (int j = 0; j < 16; j++)
                {
                    Outer8(first + BA1 + j, first + BD2, blocks, gsum + OW2 + (j * 16));
                    Outer8(first + BA1 + j, first + BD2 + 8, blocks, gsum + OW2 + (j * 16) + 8);
                }

                for (int j = 0; j < 16; j += 2)
                {
                    Outer4x2(first + BA2 + j, first + BD3, blocks, gsum + OW3 + (j * 4));
                }

                Sum8(first + BD1, blocks, gsum + OB1);
                Sum8(first + BD1 + 8, blocks, gsum + OB1 + 8);
                Sum8(first + BD2, blocks, gsum + OB2);
                Sum8(first + BD2 + 8, blocks, gsum + OB2 + 8);
                Sum8(first + BD3, blocks, gsum + OB3);  // dZ3's 4 columns and the 4 zero vectors after them
            }
        }

        // W -= (lr/m) sums.
        Vector256<float> step = Vector256.Create(learningRate / m);
        for (int q = 0; q < 480; q += 8)
        {
            Vector256.Store(Fma.MultiplyAddNegated(step, Vector256.Load(gsum + q), Vector256.Load(p + q)), p + q);
        }

        Vector128.Store(Fma.MultiplyAddNegated(step.GetLower(), Vector128.Load(gsum + 480), Vector128.Load(p + 480)), p + 480);
        return 0.5f * Vector256.Sum(cost) / m;
    }

    /// <summary>sums[i] += sum over the blocks and lanes of a[b] d[b, i], i &lt; 8: 8 register accumulators, one hadd tree.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Outer8(Vector256<float>* a, Vector256<float>* d, int blocks, float* sums)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int b = 0; b < blocks; b++)
        {
            Vector256<float> v = a[b * Stride];
            Vector256<float>* e = d + (b * Stride);
            c0 = Fma256(v, e[0], c0);
            c1 = Fma256(v, e[1], c1);
            c2 = Fma256(v, e[2], c2);
            c3 = Fma256(v, e[3], c3);
            c4 = Fma256(v, e[4], c4);
            c5 = Fma256(v, e[5], c5);
            c6 = Fma256(v, e[6], c6);
            c7 = Fma256(v, e[7], c7);
        }

        Vector256.Store(Vector256.Load(sums) + Reduce8(c0, c1, c2, c3, c4, c5, c6, c7), sums);
    }

    /// <summary>dW3's rows j and j + 1 (4 columns each, adjacent in the layout) as one group of 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Outer4x2(Vector256<float>* a, Vector256<float>* d, int blocks, float* sums)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int b = 0; b < blocks; b++)
        {
            Vector256<float> v = a[b * Stride], u = a[(b * Stride) + 1];
            Vector256<float>* e = d + (b * Stride);
            Vector256<float> e0 = e[0], e1 = e[1], e2 = e[2], e3 = e[3];
            c0 = Fma256(v, e0, c0);
            c1 = Fma256(v, e1, c1);
            c2 = Fma256(v, e2, c2);
            c3 = Fma256(v, e3, c3);
            c4 = Fma256(u, e0, c4);
            c5 = Fma256(u, e1, c5);
            c6 = Fma256(u, e2, c6);
            c7 = Fma256(u, e3, c7);
        }

        Vector256.Store(Vector256.Load(sums) + Reduce8(c0, c1, c2, c3, c4, c5, c6, c7), sums);
    }

    /// <summary>sums[i] += sum over the blocks and lanes of d[b, i], i &lt; 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Sum8(Vector256<float>* d, int blocks, float* sums)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int b = 0; b < blocks; b++)
        {
            Vector256<float>* e = d + (b * Stride);
            c0 += e[0];
            c1 += e[1];
            c2 += e[2];
            c3 += e[3];
            c4 += e[4];
            c5 += e[5];
            c6 += e[6];
            c7 += e[7];
        }

        Vector256.Store(Vector256.Load(sums) + Reduce8(c0, c1, c2, c3, c4, c5, c6, c7), sums);
    }

    /// <summary>
    /// One block of 8 rows at <paramref name="xs"/> (8 x 8, row-major): the inputs into lanes, A1 and A2 (kept in the
    /// block's <paramref name="slot"/>) and the 4 outputs, one vector each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ForwardBlock(float* xs, Vector256<float>* slot, out Vector256<float> y0, out Vector256<float> y1, out Vector256<float> y2, out Vector256<float> y3)
    {
        float* p = _p;
        Vector256<float>* xv = slot + BX, a1 = slot + BA1, a2 = slot + BA2;
        Vector256<float> x0 = Vector256.Load(xs), x1 = Vector256.Load(xs + 8), x2 = Vector256.Load(xs + 16), x3 = Vector256.Load(xs + 24);
        Vector256<float> x4 = Vector256.Load(xs + 32), x5 = Vector256.Load(xs + 40), x6 = Vector256.Load(xs + 48), x7 = Vector256.Load(xs + 56);
        Transpose8x8(ref x0, ref x1, ref x2, ref x3, ref x4, ref x5, ref x6, ref x7);
        xv[0] = x0; xv[1] = x1; xv[2] = x2; xv[3] = x3; xv[4] = x4; xv[5] = x5; xv[6] = x6; xv[7] = x7;

        // Layer 1: unit k = b1_k + sum_j x_j W1[j, k], two units per pass sharing each x_j load, two chains per unit
        // (the inputs are read back from the slot: eight of them held in registers across the loop would spill).
        for (int k = 0; k < 16; k += 2)
        {
            float* w = p + OW1 + k;
            Vector256<float> x = xv[0];
            Vector256<float> s0 = Fma256(x, Vector256.Create(w[0]), Vector256.Create(p[OB1 + k]));
            Vector256<float> t0 = Fma256(x, Vector256.Create(w[1]), Vector256.Create(p[OB1 + k + 1]));
            x = xv[1];
            Vector256<float> s1 = x * Vector256.Create(w[16]);
            Vector256<float> t1 = x * Vector256.Create(w[17]);
            x = xv[2]; s0 = Fma256(x, Vector256.Create(w[32]), s0); t0 = Fma256(x, Vector256.Create(w[33]), t0);
            x = xv[3]; s1 = Fma256(x, Vector256.Create(w[48]), s1); t1 = Fma256(x, Vector256.Create(w[49]), t1);
            x = xv[4]; s0 = Fma256(x, Vector256.Create(w[64]), s0); t0 = Fma256(x, Vector256.Create(w[65]), t0);
            x = xv[5]; s1 = Fma256(x, Vector256.Create(w[80]), s1); t1 = Fma256(x, Vector256.Create(w[81]), t1);
            x = xv[6]; s0 = Fma256(x, Vector256.Create(w[96]), s0); t0 = Fma256(x, Vector256.Create(w[97]), t0);
            x = xv[7]; s1 = Fma256(x, Vector256.Create(w[112]), s1); t1 = Fma256(x, Vector256.Create(w[113]), t1);
            a1[k] = Tanh(s0 + s1);
            a1[k + 1] = Tanh(t0 + t1);
        }

        // Layer 2: two units per pass, sharing each a1_j load; two chains per unit.
        for (int k = 0; k < 16; k += 2)
        {
            float* w = p + OW2 + k;
            Vector256<float> a = a1[0];
            Vector256<float> s0 = Fma256(a, Vector256.Create(w[0]), Vector256.Create(p[OB2 + k]));
            Vector256<float> t0 = Fma256(a, Vector256.Create(w[1]), Vector256.Create(p[OB2 + k + 1]));
            a = a1[1];
            Vector256<float> s1 = a * Vector256.Create(w[16]);
            Vector256<float> t1 = a * Vector256.Create(w[17]);
            a = a1[2]; s0 = Fma256(a, Vector256.Create(w[32]), s0); t0 = Fma256(a, Vector256.Create(w[33]), t0);
            a = a1[3]; s1 = Fma256(a, Vector256.Create(w[48]), s1); t1 = Fma256(a, Vector256.Create(w[49]), t1);
            a = a1[4]; s0 = Fma256(a, Vector256.Create(w[64]), s0); t0 = Fma256(a, Vector256.Create(w[65]), t0);
            a = a1[5]; s1 = Fma256(a, Vector256.Create(w[80]), s1); t1 = Fma256(a, Vector256.Create(w[81]), t1);
            a = a1[6]; s0 = Fma256(a, Vector256.Create(w[96]), s0); t0 = Fma256(a, Vector256.Create(w[97]), t0);
            a = a1[7]; s1 = Fma256(a, Vector256.Create(w[112]), s1); t1 = Fma256(a, Vector256.Create(w[113]), t1);
            a = a1[8]; s0 = Fma256(a, Vector256.Create(w[128]), s0); t0 = Fma256(a, Vector256.Create(w[129]), t0);
            a = a1[9]; s1 = Fma256(a, Vector256.Create(w[144]), s1); t1 = Fma256(a, Vector256.Create(w[145]), t1);
            a = a1[10]; s0 = Fma256(a, Vector256.Create(w[160]), s0); t0 = Fma256(a, Vector256.Create(w[161]), t0);
            a = a1[11]; s1 = Fma256(a, Vector256.Create(w[176]), s1); t1 = Fma256(a, Vector256.Create(w[177]), t1);
            a = a1[12]; s0 = Fma256(a, Vector256.Create(w[192]), s0); t0 = Fma256(a, Vector256.Create(w[193]), t0);
            a = a1[13]; s1 = Fma256(a, Vector256.Create(w[208]), s1); t1 = Fma256(a, Vector256.Create(w[209]), t1);
            a = a1[14]; s0 = Fma256(a, Vector256.Create(w[224]), s0); t0 = Fma256(a, Vector256.Create(w[225]), t0);
            a = a1[15]; s1 = Fma256(a, Vector256.Create(w[240]), s1); t1 = Fma256(a, Vector256.Create(w[241]), t1);
            a2[k] = Tanh(s0 + s1);
            a2[k + 1] = Tanh(t0 + t1);
        }

        // Layer 3 (identity): the 4 units in one pass, sharing each a2_j load; two chains per unit.
        {
            float* w = p + OW3;
            Vector256<float> a = a2[0];
            Vector256<float> s0 = Fma256(a, Vector256.Create(w[0]), Vector256.Create(p[OB3]));
            Vector256<float> s1 = Fma256(a, Vector256.Create(w[1]), Vector256.Create(p[OB3 + 1]));
            Vector256<float> s2 = Fma256(a, Vector256.Create(w[2]), Vector256.Create(p[OB3 + 2]));
            Vector256<float> s3 = Fma256(a, Vector256.Create(w[3]), Vector256.Create(p[OB3 + 3]));
            a = a2[1];
            Vector256<float> u0 = a * Vector256.Create(w[4]);
            Vector256<float> u1 = a * Vector256.Create(w[5]);
            Vector256<float> u2 = a * Vector256.Create(w[6]);
            Vector256<float> u3 = a * Vector256.Create(w[7]);
            for (int j = 2; j < 16; j += 2)
            {
                float* wj = w + (j * 4);
                a = a2[j];
                s0 = Fma256(a, Vector256.Create(wj[0]), s0);
                s1 = Fma256(a, Vector256.Create(wj[1]), s1);
                s2 = Fma256(a, Vector256.Create(wj[2]), s2);
                s3 = Fma256(a, Vector256.Create(wj[3]), s3);
                a = a2[j + 1];
                u0 = Fma256(a, Vector256.Create(wj[4]), u0);
                u1 = Fma256(a, Vector256.Create(wj[5]), u1);
                u2 = Fma256(a, Vector256.Create(wj[6]), u2);
                u3 = Fma256(a, Vector256.Create(wj[7]), u3);
            }

            y0 = s0 + u0;
            y1 = s1 + u1;
            y2 = s2 + u2;
            y3 = s3 + u3;
        }
    }

    /// <summary>The last <paramref name="valid"/> rows (and their targets), zero-padded to a block of 8, in the pad buffer.</summary>
    private float* Pad(float* xs, int valid, float* ts)
    {
        new Span<float>(_pad, 96).Clear();
        new ReadOnlySpan<float>(xs, valid * 8).CopyTo(new Span<float>(_pad, 64));
        if (ts != null)
        {
            new ReadOnlySpan<float>(ts, valid * 4).CopyTo(new Span<float>(_pad + 64, 32));
        }

        return _pad;
    }
}
