using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

/// <summary>
/// The strategy of <see cref="TiledMlp"/> for narrow networks (every layer at most <see cref="LanesMaxWidth"/> units,
/// here W1 and W2), where a GEMM tile would be mostly padding: 8 examples of the batch share one
/// <see cref="Vector256{T}"/>, lane i holding row i. Each unit is then computed as in scalar code, z_k = b_k + sum_j
/// a_j W[j, k], but on 8 examples at once with every lane useful. The backward pass runs the same way
/// (dZ, dA and per-lane partial sums of dW and db); the 8 partial sums of every gradient are added once per step.
/// </summary>
public sealed unsafe partial class TiledMlp
{
    /// <summary>The widest layer the lanes strategy is chosen for.</summary>
    public const int LanesMaxWidth = 16;

    private bool _lanes;
    private int _blocks;
    private Vector256<float>[][] _laneA = null!;   // per layer: block b, unit k at [b * n_l + k]
    private Vector256<float>[][] _laneDz = null!;  // same layout
    private Vector256<float>[][] _laneDw = null!;  // per layer: (j, k) at [j * n_l + k], 8 partial sums
    private Vector256<float>[][] _laneDb = null!;
    private Vector256<float>[] _laneX = null!;     // the block's inputs, one vector per feature
    private Vector256<float>[] _laneDa = null!;

    private void InitializeLanes()
    {
        int widest = 0;
        foreach (int width in _n)
        {
            widest = Math.Max(widest, width);
        }

        _lanes = widest <= LanesMaxWidth;
        if (!_lanes)
        {
            return;
        }

        _blocks = (_maxBatch + 7) / 8;
        _laneA = new Vector256<float>[_layers + 1][];
        _laneDz = new Vector256<float>[_layers + 1][];
        _laneDw = new Vector256<float>[_layers + 1][];
        _laneDb = new Vector256<float>[_layers + 1][];
        for (int l = 1; l <= _layers; l++)
        {
            _laneA[l] = new Vector256<float>[_blocks * _n[l]];
            _laneDz[l] = new Vector256<float>[_blocks * _n[l]];
            _laneDw[l] = new Vector256<float>[_n[l - 1] * _n[l]];
            _laneDb[l] = new Vector256<float>[_n[l]];
        }

        _laneX = new Vector256<float>[_blocks * _n[0]];
        _laneDa = new Vector256<float>[widest];
    }

    /// <summary>Rows [start, start + count) of X (count &lt;= 8) into lanes of block <paramref name="block"/>; missing rows are 0.</summary>
    private void LoadLanes(float* x, int start, int count, int block)
    {
        int n0 = _n[0];
        float* lanes = stackalloc float[8];
        for (int j = 0; j < n0; j++)
        {
            for (int i = 0; i < 8; i++)
            {
                lanes[i] = i < count ? x[((start + i) * n0) + j] : 0f;
            }

            _laneX[(block * n0) + j] = Vector256.Load(lanes);
        }
    }

    /// <summary>A[l] = g(A[l-1] W[l] + b[l]) for one block of 8 rows, unit by unit.</summary>
    private void ForwardLanes(int block)
    {
        for (int l = 1; l <= _layers; l++)
        {
            int nPrev = _n[l - 1], n = _n[l], np = _np[l];
            ReadOnlySpan<Vector256<float>> aPrev = l == 1
                ? _laneX.AsSpan(block * nPrev, nPrev)
                : _laneA[l - 1].AsSpan(block * nPrev, nPrev);
            Span<Vector256<float>> a = _laneA[l].AsSpan(block * n, n);
            float* w = _w[l];
            float* bias = _b[l];
            ArrayMlp.Kind kind = _kinds[l - 1];
            for (int k = 0; k < n; k++)
            {
                // z_k = b_k + sum_j a_j W[j, k], 8 examples at once
                Vector256<float> z = Vector256.Create(bias[k]);
                for (int j = 0; j < nPrev; j++)
                {
                    z = MulAdd(aPrev[j], Vector256.Create(w[(j * np) + k]), z);
                }

                a[k] = kind switch
                {
                    ArrayMlp.Kind.ReLU => Relu.Apply(z),
                    ArrayMlp.Kind.Tanh => Tanh.Apply(z),
                    ArrayMlp.Kind.Sigmoid => Sigmoid.Apply(z),
                    _ => z,
                };
            }

            if (kind == ArrayMlp.Kind.Softmax)
            {
                // Per lane: e^{z_k - max} / sum over the units.
                Vector256<float> max = a[0];
                for (int k = 1; k < n; k++)
                {
                    max = Vector256.Max(max, a[k]);
                }

                Vector256<float> sum = Vector256<float>.Zero;
                for (int k = 0; k < n; k++)
                {
                    a[k] = Exp(a[k] - max);
                    sum += a[k];
                }

                Vector256<float> inverse = Vector256<float>.One / sum;
                for (int k = 0; k < n; k++)
                {
                    a[k] *= inverse;
                }
            }
        }
    }

    private void ForwardBatchLanes(float* x, int m, Span<float> outputs)
    {
        int nL = _n[_layers];
        for (int start = 0; start < m; start += 8)
        {
            int count = Math.Min(8, m - start);
            LoadLanes(x, start, count, 0);
            ForwardLanes(0);
            Span<Vector256<float>> aL = _laneA[_layers].AsSpan(0, nL);
            for (int i = 0; i < count; i++)
            {
                for (int k = 0; k < nL; k++)
                {
                    outputs[((start + i) * nL) + k] = aL[k].GetElement(i);
                }
            }
        }
    }

    private float TrainStepLanes(float* x, float* y, int m, float scale)
    {
        int nL = _n[_layers];
        int blocks = (m + 7) / 8;
        ArrayMlp.Kind outKind = _kinds[_layers - 1];
        float cost = 0;
        for (int l = 1; l <= _layers; l++)
        {
            Array.Clear(_laneDw[l]);
            Array.Clear(_laneDb[l]);
        }

        float* targets = stackalloc float[8];
        for (int block = 0; block < blocks; block++)
        {
            int start = block * 8;
            int count = Math.Min(8, m - start);
            LoadLanes(x, start, count, block);
            ForwardLanes(block);

            // dZ[L] per lane; lanes of missing rows get 0, so they add nothing to any gradient.
            Vector256<float> live = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();
            Span<Vector256<float>> aL = _laneA[_layers].AsSpan(block * nL, nL);
            Span<Vector256<float>> dzL = _laneDz[_layers].AsSpan(block * nL, nL);
            for (int k = 0; k < nL; k++)
            {
                for (int i = 0; i < 8; i++)
                {
                    targets[i] = i < count ? y[((start + i) * nL) + k] : 0f;
                }

                Vector256<float> t = Vector256.Load(targets);
                Vector256<float> diff = (aL[k] - t) & live;
                if (_crossEntropy)
                {
                    for (int i = 0; i < count; i++)
                    {
                        if (targets[i] != 0)
                        {
                            cost -= targets[i] * MathF.Log(aL[k].GetElement(i));
                        }
                    }

                    dzL[k] = diff;
                }
                else
                {
                    cost += 0.5f * Vector256.Sum(diff * diff);
                    dzL[k] = outKind == ArrayMlp.Kind.Sigmoid ? diff * Sigmoid.DerivativeFromOutput(aL[k]) : diff;
                }
            }

            for (int l = _layers; l >= 1; l--)
            {
                int nPrev = _n[l - 1], n = _n[l], np = _np[l];
                ReadOnlySpan<Vector256<float>> aPrev = l == 1
                    ? _laneX.AsSpan(block * nPrev, nPrev)
                    : _laneA[l - 1].AsSpan(block * nPrev, nPrev);
                ReadOnlySpan<Vector256<float>> dz = _laneDz[l].AsSpan(block * n, n);
                Span<Vector256<float>> dw = _laneDw[l];
                Span<Vector256<float>> db = _laneDb[l];

                // dW[j, k] += a_j dz_k and db_k += dz_k, per lane.
                for (int j = 0; j < nPrev; j++)
                {
                    Vector256<float> aj = aPrev[j];
                    Span<Vector256<float>> row = dw.Slice(j * n, n);
                    for (int k = 0; k < n; k++)
                    {
                        row[k] = MulAdd(aj, dz[k], row[k]);
                    }
                }

                for (int k = 0; k < n; k++)
                {
                    db[k] += dz[k];
                }

                if (l > 1)
                {
                    // dZ[l-1]_j = (sum_k dz_k W[j, k]) g'(a_j)
                    float* w = _w[l];
                    Span<Vector256<float>> dzPrev = _laneDz[l - 1].AsSpan(block * nPrev, nPrev);
                    ArrayMlp.Kind kind = _kinds[l - 2];
                    for (int j = 0; j < nPrev; j++)
                    {
                        Vector256<float> sum = Vector256<float>.Zero;
                        for (int k = 0; k < n; k++)
                        {
                            sum = MulAdd(dz[k], Vector256.Create(w[(j * np) + k]), sum);
                        }

                        dzPrev[j] = sum * (kind switch
                        {
                            ArrayMlp.Kind.ReLU => Relu.DerivativeFromOutput(aPrev[j]),
                            ArrayMlp.Kind.Tanh => Tanh.DerivativeFromOutput(aPrev[j]),
                            ArrayMlp.Kind.Sigmoid => Sigmoid.DerivativeFromOutput(aPrev[j]),
                            _ => Vector256<float>.One,
                        });
                    }
                }
            }
        }

        // theta -= (lr/m) grad: the 8 lane sums of every gradient added once.
        for (int l = 1; l <= _layers; l++)
        {
            int nPrev = _n[l - 1], n = _n[l], np = _np[l];
            float* w = _w[l];
            for (int j = 0; j < nPrev; j++)
            {
                for (int k = 0; k < n; k++)
                {
                    w[(j * np) + k] -= scale * Vector256.Sum(_laneDw[l][(j * n) + k]);
                }
            }

            for (int k = 0; k < n; k++)
            {
                _b[l][k] -= scale * Vector256.Sum(_laneDb[l][k]);
            }
        }

        return cost / m;
    }
}
