using System;

/// <summary>
/// The peer: a plain hand-written multi-layer perceptron over arrays, as one would write it without a
/// generator: jagged weight matrices, loops with runtime bounds, the same per-example backward pass
/// (dW[l] += A[l-1]^T dZ[l], dA[l-1] = dZ[l] W[l]^T) and a plain SGD step. Buffers are allocated once.
/// It is the beginner's baseline and the reference of <c>--verify</c> (double-checked there against the generated code).
/// </summary>
public sealed class ArrayMlp
{
    public enum Kind { Identity, Sigmoid, Tanh, ReLU, Softmax }

    private readonly int[] _sizes;
    private readonly Kind[] _activations;
    private readonly bool _crossEntropy;
    private readonly float[][,] _w;
    private readonly float[][] _b;
    private readonly float[][,] _dw;
    private readonly float[][] _db;
    private readonly float[][] _z;
    private readonly float[][] _a;
    private readonly float[][] _dz;

    /// <summary>Copies <paramref name="parameters"/> (the generated classes' layout: per layer W[l] row-major, then b[l]).</summary>
    public ArrayMlp(Workload workload, ReadOnlySpan<float> parameters)
    {
        int[] sizes = workload.Sizes;
        _sizes = sizes;
        _activations = workload.Activations;
        _crossEntropy = workload.CrossEntropy;
        int layers = sizes.Length - 1;
        _w = new float[layers + 1][,];
        _b = new float[layers + 1][];
        _dw = new float[layers + 1][,];
        _db = new float[layers + 1][];
        _z = new float[layers + 1][];
        _a = new float[layers + 1][];
        _dz = new float[layers + 1][];
        int offset = 0;
        for (int l = 1; l <= layers; l++)
        {
            _w[l] = new float[sizes[l - 1], sizes[l]];
            _dw[l] = new float[sizes[l - 1], sizes[l]];
            for (int j = 0; j < sizes[l - 1]; j++)
            {
                for (int k = 0; k < sizes[l]; k++)
                {
                    _w[l][j, k] = parameters[offset++];
                }
            }

            _b[l] = parameters.Slice(offset, sizes[l]).ToArray();
            offset += sizes[l];
            _db[l] = new float[sizes[l]];
            _z[l] = new float[sizes[l]];
            _a[l] = new float[sizes[l]];
            _dz[l] = new float[sizes[l]];
        }

        _a[0] = new float[sizes[0]];
    }

    /// <summary>Writes the parameters in the generated classes' layout.</summary>
    public void CopyParametersTo(Span<float> parameters)
    {
        int offset = 0;
        for (int l = 1; l < _sizes.Length; l++)
        {
            foreach (float w in _w[l])
            {
                parameters[offset++] = w;
            }

            _b[l].CopyTo(parameters.Slice(offset));
            offset += _b[l].Length;
        }
    }

    /// <summary>m examples, one at a time (m = inputs.Length / n_0).</summary>
    public void ForwardBatch(float[] inputs, float[] outputs)
    {
        int n0 = _sizes[0];
        float[] aL = _a[_sizes.Length - 1];
        for (int i = 0; i < inputs.Length / n0; i++)
        {
            Array.Copy(inputs, i * n0, _a[0], 0, n0);
            ForwardFromA0();
            Array.Copy(aL, 0, outputs, i * aL.Length, aL.Length);
        }
    }

    /// <summary>One example forward: the same loops as the training step's forward half.</summary>
    public void Forward(float[] input, float[] output)
    {
        Array.Copy(input, _a[0], _sizes[0]);
        ForwardFromA0();
        Array.Copy(_a[_sizes.Length - 1], output, output.Length);
    }

    /// <summary>Z[l] = A[l-1] W[l] + b[l], A[l] = g(Z[l]) for l = 1..L, from the example in A[0].</summary>
    private void ForwardFromA0()
    {
        int layers = _sizes.Length - 1;
        for (int l = 1; l <= layers; l++)
        {
            float[] z = _z[l];
            float[] aPrev = _a[l - 1];
            float[,] w = _w[l];
            for (int k = 0; k < z.Length; k++)
            {
                float sum = _b[l][k];
                for (int j = 0; j < aPrev.Length; j++)
                {
                    sum += aPrev[j] * w[j, k];
                }

                z[k] = sum;
            }

            Activate(_activations[l - 1], z, _a[l]);
        }
    }

    public float TrainStep(float[] inputs, float[] targets, float learningRate)
    {
        int layers = _sizes.Length - 1;
        int n0 = _sizes[0];
        int nL = _sizes[layers];
        int m = inputs.Length / n0;
        for (int l = 1; l <= layers; l++)
        {
            Array.Clear(_dw[l]);
            Array.Clear(_db[l]);
        }

        float cost = 0;
        for (int i = 0; i < m; i++)
        {
            Array.Copy(inputs, i * n0, _a[0], 0, n0);
            ForwardFromA0();

            float[] aL = _a[layers];
            float[] dzL = _dz[layers];
            for (int k = 0; k < nL; k++)
            {
                float y = targets[(i * nL) + k];
                if (_crossEntropy)
                {
                    cost -= y * MathF.Log(aL[k]);
                    dzL[k] = aL[k] - y;
                }
                else
                {
                    float d = aL[k] - y;
                    cost += 0.5f * d * d;
                    dzL[k] = d * Derivative(_activations[layers - 1], _z[layers][k], aL[k]);
                }
            }

            for (int l = layers; l >= 1; l--)
            {
                float[] dz = _dz[l];
                float[] aPrev = _a[l - 1];
                float[,] dw = _dw[l];
                for (int j = 0; j < aPrev.Length; j++)
                {
                    for (int k = 0; k < dz.Length; k++)
                    {
                        dw[j, k] += aPrev[j] * dz[k];
                    }
                }

                for (int k = 0; k < dz.Length; k++)
                {
                    _db[l][k] += dz[k];
                }

                if (l > 1)
                {
                    float[,] w = _w[l];
                    float[] dzPrev = _dz[l - 1];
                    for (int j = 0; j < dzPrev.Length; j++)
                    {
                        float sum = 0;
                        for (int k = 0; k < dz.Length; k++)
                        {
                            sum += dz[k] * w[j, k];
                        }

                        dzPrev[j] = sum * Derivative(_activations[l - 2], _z[l - 1][j], _a[l - 1][j]);
                    }
                }
            }
        }

        float step = learningRate / m;
        for (int l = 1; l <= layers; l++)
        {
            float[,] w = _w[l];
            float[,] dw = _dw[l];
            for (int j = 0; j < w.GetLength(0); j++)
            {
                for (int k = 0; k < w.GetLength(1); k++)
                {
                    w[j, k] -= step * dw[j, k];
                }
            }

            for (int k = 0; k < _b[l].Length; k++)
            {
                _b[l][k] -= step * _db[l][k];
            }
        }

        return cost / m;
    }

    private static void Activate(Kind kind, float[] z, float[] a)
    {
        if (kind == Kind.Softmax)
        {
            float max = float.NegativeInfinity;
            foreach (float v in z)
            {
                max = Math.Max(max, v);
            }

            float sum = 0;
            for (int k = 0; k < z.Length; k++)
            {
                a[k] = MathF.Exp(z[k] - max);
                sum += a[k];
            }

            for (int k = 0; k < z.Length; k++)
            {
                a[k] /= sum;
            }

            return;
        }

        for (int k = 0; k < z.Length; k++)
        {
            a[k] = kind switch
            {
                Kind.Sigmoid => 1f / (1f + MathF.Exp(-z[k])),
                Kind.Tanh => MathF.Tanh(z[k]),
                Kind.ReLU => Math.Max(z[k], 0f),
                _ => z[k],
            };
        }
    }

    private static float Derivative(Kind kind, float z, float a) => kind switch
    {
        Kind.Sigmoid => a * (1 - a),
        Kind.Tanh => 1 - (a * a),
        Kind.ReLU => z > 0 ? 1 : 0,
        _ => 1,
    };
}
