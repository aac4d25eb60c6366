using System;
using System.Numerics.Tensors;

/// <summary>
/// The library peer: the same network written with <see cref="TensorPrimitives"/> (System.Numerics.Tensors), the
/// vectorised span primitives .NET ships, as a user who does not hand-tune would compose them. Unpadded row-major
/// W[l] (n_{l-1} x n_l) in one array per layer; buffers for the largest batch allocated once.
/// <list type="bullet">
/// <item>Forward, per row: z = b; z += a_j W[l][j, :] for every j (<see cref="TensorPrimitives.MultiplyAdd(ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>),
/// then the activation primitive (Sigmoid, Tanh, Max with 0, SoftMax).</item>
/// <item>Training: dZ[L] = A - Y (times a (1 - a) for sigmoid + MSE); per row dA[l-1][i, j] = Dot(dZ[l][i, :], W[l][j, :]);
/// dW[l][j, :] += A[l-1][i, j] dZ[l][i, :]; then W -= (lr/m) dW and b -= (lr/m) db with MultiplyAdd.</item>
/// </list>
/// </summary>
public sealed class TensorPrimitivesMlp
{
    private readonly int[] _n;
    private readonly int _layers;
    private readonly ArrayMlp.Kind[] _kinds;
    private readonly bool _crossEntropy;
    private readonly int _maxBatch;
    private readonly float[][] _w;
    private readonly float[][] _b;
    private readonly float[][] _dw;
    private readonly float[][] _db;
    private readonly float[][] _a;
    private readonly float[][] _dz;
    private readonly float[][] _scratch;

    public TensorPrimitivesMlp(Workload workload, ReadOnlySpan<float> parameters, int maxBatch)
    {
        _n = workload.Sizes;
        _layers = _n.Length - 1;
        _kinds = workload.Activations;
        _crossEntropy = workload.CrossEntropy;
        _maxBatch = maxBatch;
        Workloads.CheckSupported(workload);
        _w = new float[_layers + 1][];
        _b = new float[_layers + 1][];
        _dw = new float[_layers + 1][];
        _db = new float[_layers + 1][];
        _a = new float[_layers + 1][];
        _dz = new float[_layers + 1][];
        _scratch = new float[_layers + 1][];
        int offset = 0;
        for (int l = 1; l <= _layers; l++)
        {
            _w[l] = parameters.Slice(offset, _n[l - 1] * _n[l]).ToArray();
            offset += _w[l].Length;
            _b[l] = parameters.Slice(offset, _n[l]).ToArray();
            offset += _n[l];
            _dw[l] = new float[_w[l].Length];
            _db[l] = new float[_n[l]];
            _a[l] = new float[maxBatch * _n[l]];
            _dz[l] = new float[maxBatch * _n[l]];
            _scratch[l] = new float[_n[l]];
        }
    }

    public void CopyParametersTo(Span<float> parameters)
    {
        int offset = 0;
        for (int l = 1; l <= _layers; l++)
        {
            _w[l].CopyTo(parameters.Slice(offset));
            offset += _w[l].Length;
            _b[l].CopyTo(parameters.Slice(offset));
            offset += _b[l].Length;
        }
    }

    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ForwardRows(input, 1);
        _a[_layers].AsSpan(0, _n[_layers]).CopyTo(output);
    }

    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int m = inputs.Length / _n[0];
        int nL = _n[_layers];
        for (int start = 0; start < m; start += _maxBatch)
        {
            int rows = Math.Min(_maxBatch, m - start);
            ForwardRows(inputs.Slice(start * _n[0], rows * _n[0]), rows);
            _a[_layers].AsSpan(0, rows * nL).CopyTo(outputs.Slice(start * nL));
        }
    }

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate)
    {
        int m = inputs.Length / _n[0];
        int nL = _n[_layers];
        ForwardRows(inputs, m);

        // dZ[L] and the cost J = (1/m) sum_i L_i.
        Span<float> aL = _a[_layers].AsSpan(0, m * nL);
        Span<float> dzL = _dz[_layers].AsSpan(0, m * nL);
        ReadOnlySpan<float> y = targets.Slice(0, m * nL);
        TensorPrimitives.Subtract(aL, y, dzL);
        float cost;
        if (_crossEntropy)
        {
            cost = 0;
            for (int q = 0; q < y.Length; q++)
            {
                if (y[q] != 0)
                {
                    cost -= y[q] * MathF.Log(aL[q]);
                }
            }
        }
        else
        {
            cost = 0.5f * TensorPrimitives.SumOfSquares(dzL);
            if (_kinds[_layers - 1] == ArrayMlp.Kind.Sigmoid)
            {
                // dZ = (a - y) a (1 - a)
                for (int i = 0; i < m; i++)
                {
                    Span<float> d = dzL.Slice(i * nL, nL);
                    ReadOnlySpan<float> a = aL.Slice(i * nL, nL);
                    Span<float> g = _scratch[_layers];
                    TensorPrimitives.Subtract(1f, a, g);
                    TensorPrimitives.Multiply(g, a, g);
                    TensorPrimitives.Multiply(d, g, d);
                }
            }
        }

        for (int l = _layers; l >= 1; l--)
        {
            int nPrev = _n[l - 1];
            int n = _n[l];
            ReadOnlySpan<float> aPrev = l == 1 ? inputs : _a[l - 1];
            float[] w = _w[l];
            float[] dw = _dw[l];
            Array.Clear(dw);
            Array.Clear(_db[l]);
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<float> dz = _dz[l].AsSpan(i * n, n);
                ReadOnlySpan<float> a = aPrev.Slice(i * nPrev, nPrev);

                // dW[l][j, :] += A[l-1][i, j] dZ[l][i, :]; db[l] += dZ[l][i, :]
                for (int j = 0; j < nPrev; j++)
                {
                    Span<float> row = dw.AsSpan(j * n, n);
                    TensorPrimitives.MultiplyAdd(dz, a[j], row, row);
                }

                TensorPrimitives.Add(_db[l], dz, _db[l]);

                if (l > 1)
                {
                    // dZ[l-1][i, j] = Dot(dZ[l][i, :], W[l][j, :]) g'(A[l-1][i, j])
                    Span<float> dzPrev = _dz[l - 1].AsSpan(i * nPrev, nPrev);
                    for (int j = 0; j < nPrev; j++)
                    {
                        dzPrev[j] = TensorPrimitives.Dot(dz, w.AsSpan(j * n, n));
                    }

                    Span<float> g = _scratch[l - 1];
                    switch (_kinds[l - 2])
                    {
                        case ArrayMlp.Kind.Tanh:
                            TensorPrimitives.Multiply(a, a, g);
                            TensorPrimitives.Subtract(1f, g, g);
                            TensorPrimitives.Multiply(dzPrev, g, dzPrev);
                            break;
                        case ArrayMlp.Kind.Sigmoid:
                            TensorPrimitives.Subtract(1f, a, g);
                            TensorPrimitives.Multiply(g, a, g);
                            TensorPrimitives.Multiply(dzPrev, g, dzPrev);
                            break;
                        case ArrayMlp.Kind.ReLU:
                            for (int j = 0; j < nPrev; j++)
                            {
                                dzPrev[j] = a[j] > 0 ? dzPrev[j] : 0;
                            }

                            break;
                    }
                }
            }

            // theta -= (lr/m) grad
            float step = -learningRate / m;
            TensorPrimitives.MultiplyAdd(dw, step, w, w);
            TensorPrimitives.MultiplyAdd(_db[l], step, _b[l], _b[l]);
        }

        return cost / m;
    }

    private void ForwardRows(ReadOnlySpan<float> x, int rows)
    {
        for (int l = 1; l <= _layers; l++)
        {
            int nPrev = _n[l - 1];
            int n = _n[l];
            ReadOnlySpan<float> aPrev = l == 1 ? x : _a[l - 1];
            float[] w = _w[l];
            for (int i = 0; i < rows; i++)
            {
                ReadOnlySpan<float> a = aPrev.Slice(i * nPrev, nPrev);
                Span<float> z = _a[l].AsSpan(i * n, n);

                // z = b + sum_j a_j W[j, :]
                _b[l].CopyTo(z);
                for (int j = 0; j < nPrev; j++)
                {
                    TensorPrimitives.MultiplyAdd(w.AsSpan(j * n, n), a[j], z, z);
                }

                switch (_kinds[l - 1])
                {
                    case ArrayMlp.Kind.Sigmoid:
                        TensorPrimitives.Sigmoid(z, z);
                        break;
                    case ArrayMlp.Kind.Tanh:
                        TensorPrimitives.Tanh(z, z);
                        break;
                    case ArrayMlp.Kind.ReLU:
                        TensorPrimitives.Max(z, 0f, z);
                        break;
                    case ArrayMlp.Kind.Softmax:
                        TensorPrimitives.SoftMax(z, z);
                        break;
                }
            }
        }
    }
}
