using System;

namespace Backprop.Generated;

/// <summary>
/// The Adam update shared by <see cref="Adam"/> (L2 added to the gradient) and <see cref="AdamW"/> (decoupled weight
/// decay), written as PyTorch 1.13-2.x's single-tensor implementation computes it: the scalar factors in double,
/// rounded once, then per parameter
/// <c>theta -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)</c>.
/// </summary>
internal struct AdamCore
{
    private OptimizerState _m;
    private OptimizerState _v;
    private long _t;

    public long StepCount => _t;

    public void Reset()
    {
        _m.Clear();
        _v.Clear();
        _t = 0;
    }

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients, double lr, double beta1d, double beta2d, double epsilon, double weightDecay, bool decoupled, ParameterMask? mask, string name)
    {
        OptimizerState.CheckLengths(parameters.Length, gradients.Length);
        OptimizerArguments.CheckMask(mask, parameters.Length);
        float[] m = _m.Single(parameters.Length, name);
        float[] v = _v.Single(parameters.Length, name);
        _t++;

        float stepSize = (float)(lr / (1 - Math.Pow(beta1d, _t)));
        float correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(beta2d, _t));
        float beta1 = (float)beta1d;
        float beta2 = (float)beta2d;
        float oneMinusBeta1 = (float)(1 - beta1d);
        float oneMinusBeta2 = (float)(1 - beta2d);
        float eps = (float)epsilon;
        float coupled = decoupled ? 0f : (float)weightDecay;
        float shrink = (float)(1 - (lr * weightDecay)); // AdamW: theta *= 1 - lr * weight_decay
        bool shrinks = decoupled && weightDecay != 0;
        for (int q = 0; q < parameters.Length; q++)
        {
            bool decays = mask is null || mask[q];
            float theta = parameters[q];
            if (shrinks && decays)
            {
                theta *= shrink;
            }

            float g = gradients[q] + ((decays ? coupled : 0f) * theta);
            m[q] = (beta1 * m[q]) + (oneMinusBeta1 * g);
            v[q] = (beta2 * v[q]) + (oneMinusBeta2 * g * g);
            float denominator = ((float)Math.Sqrt(v[q]) / correction2Sqrt) + eps;
            parameters[q] = theta - (stepSize * m[q] / denominator);
        }
    }

    public void Step(Span<double> parameters, ReadOnlySpan<double> gradients, double lr, double beta1, double beta2, double eps, double weightDecay, bool decoupled, ParameterMask? mask, string name)
    {
        OptimizerState.CheckLengths(parameters.Length, gradients.Length);
        OptimizerArguments.CheckMask(mask, parameters.Length);
        double[] m = _m.Double(parameters.Length, name);
        double[] v = _v.Double(parameters.Length, name);
        _t++;

        double stepSize = lr / (1 - Math.Pow(beta1, _t));
        double correction2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, _t));
        double coupled = decoupled ? 0d : weightDecay;
        double shrink = 1 - (lr * weightDecay);
        bool shrinks = decoupled && weightDecay != 0;
        for (int q = 0; q < parameters.Length; q++)
        {
            bool decays = mask is null || mask[q];
            double theta = parameters[q];
            if (shrinks && decays)
            {
                theta *= shrink;
            }

            double g = gradients[q] + ((decays ? coupled : 0d) * theta);
            m[q] = (beta1 * m[q]) + ((1 - beta1) * g);
            v[q] = (beta2 * v[q]) + ((1 - beta2) * g * g);
            double denominator = (Math.Sqrt(v[q]) / correction2Sqrt) + eps;
            parameters[q] = theta - (stepSize * m[q] / denominator);
        }
    }
}
