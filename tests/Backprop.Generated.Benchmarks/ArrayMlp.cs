using System;

/// <summary>
/// The peer: a plain hand-written multi-layer perceptron over arrays, as one would write it without a
/// generator: jagged weight matrices, loops with runtime bounds, the same per-example backward pass
/// (dW[l] += A[l-1]^T dZ[l], dA[l-1] = dZ[l] W[l]^T) and a plain SGD step. Buffers are allocated once.
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

    public ArrayMlp(int[] sizes, Kind[] activations, bool crossEntropy, int seed)
    {
        _sizes = sizes;
        _activations = activations;
        _crossEntropy = crossEntropy;
        int layers = sizes.Length - 1;
        _w = new float[layers + 1][,];
        _b = new float[layers + 1][];
        _dw = new float[layers + 1][,];
        _db = new float[layers + 1][];
        _z = new float[layers + 1][];
        _a = new float[layers + 1][];
        _dz = new float[layers + 1][];
        var random = new Random(seed);
        for (int l = 1; l <= layers; l++)
        {
            _w[l] = new float[sizes[l - 1], sizes[l]];
            _dw[l] = new float[sizes[l - 1], sizes[l]];
            double limit = Math.Sqrt(6.0 / (sizes[l - 1] + sizes[l]));
            for (int j = 0; j < sizes[l - 1]; j++)
            {
                for (int k = 0; k < sizes[l]; k++)
                {
                    _w[l][j, k] = (float)(limit * ((2 * random.NextDouble()) - 1));
                }
            }

            _b[l] = new float[sizes[l]];
            _db[l] = new float[sizes[l]];
            _z[l] = new float[sizes[l]];
            _a[l] = new float[sizes[l]];
            _dz[l] = new float[sizes[l]];
        }

        _a[0] = new float[sizes[0]];
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
