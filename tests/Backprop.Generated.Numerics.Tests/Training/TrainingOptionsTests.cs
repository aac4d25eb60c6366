using System;
using System.Linq;
using Backprop.Generated;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Training;

/// <summary>
/// The contracts of <see cref="TrainingStep{T}"/>, <see cref="TrainingOptions"/>, <see cref="ParameterMask"/> and the
/// schedules that the scikit-learn/PyTorch comparisons do not pin down: argument checks, biases left alone, the
/// equivalence with the generated TrainStep, no allocation per step, divergence handling.
/// </summary>
public class TrainingOptionsTests
{
    private static (double[] X, double[] Y) Batch(int rows)
    {
        var random = new SplitMix64(7);
        return (TestData.Uniform<double>(rows * 4, 1.5, ref random), TestData.Targets<double>(Loss.CrossEntropy, rows, 3, ref random));
    }

    [Fact]
    public void ParameterMask_selects_W_then_b_of_each_layer()
    {
        ParameterMask weights = ParameterMask.Weights(SkClassifier.LayerSizes);
        ParameterMask biases = ParameterMask.Biases(SkClassifier.LayerSizes);

        // 4-5-3: W1 at 0..19, b1 at 20..24, W2 at 25..39, b2 at 40..42.
        Assert.Equal(43, weights.Length);
        Assert.Equal(35, weights.Count);
        Assert.Equal(8, biases.Count);
        for (int q = 0; q < 43; q++)
        {
            bool isBias = (q >= 20 && q < 25) || q >= 40;
            Assert.Equal(!isBias, weights[q]);
            Assert.Equal(isBias, biases[q]);
        }

        Assert.Throws<ArgumentException>(() => ParameterMask.Weights(new[] { 4 }));
        Assert.Throws<ArgumentException>(() => ParameterMask.Weights(new[] { 4, 0, 3 }));
    }

    [Fact]
    public void A_mask_built_for_another_network_is_rejected_before_any_update()
    {
        var optimizer = new Sgd(0.1, weightDecay: 0.1, decayMask: ParameterMask.Weights(SkRegressor.LayerSizes));
        var parameters = new double[43];
        parameters[0] = 1;
        Assert.Throws<ArgumentException>(() => optimizer.Step(parameters, new double[43]));
        Assert.Equal(1, parameters[0]);
    }

    [Fact]
    public void Masked_weight_decay_leaves_the_biases_alone()
    {
        var parameters = Enumerable.Repeat(1.0, 43).ToArray();
        foreach (IOptimizer optimizer in new IOptimizer[]
        {
            new Sgd(0.1, weightDecay: 0.5, decayMask: ParameterMask.Weights(SkClassifier.LayerSizes)),
            new Adam(0.1, weightDecay: 0.5, decayMask: ParameterMask.Weights(SkClassifier.LayerSizes)),
            new AdamW(0.1, weightDecay: 0.5, decayMask: ParameterMask.Weights(SkClassifier.LayerSizes)),
            new RMSprop(0.1, weightDecay: 0.5, decayMask: ParameterMask.Weights(SkClassifier.LayerSizes)),
        })
        {
            double[] theta = (double[])parameters.Clone();
            optimizer.Step(theta, new double[43]); // zero gradient: only the decay moves a parameter
            ParameterMask biases = ParameterMask.Biases(SkClassifier.LayerSizes);
            for (int q = 0; q < 43; q++)
            {
                Assert.True(biases[q] ? theta[q] == 1 : theta[q] < 1, $"{optimizer.GetType().Name} parameter {q}: {theta[q]}");
            }
        }
    }

    [Fact]
    public void L2_adds_alpha_over_m_W_to_weight_gradients_only_and_its_penalty_to_the_cost()
    {
        (double[] x, double[] y) = Batch(6);
        var plain = new SkClassifier();
        var penalised = new SkClassifier();
        TestData.Initialize(plain, 3);
        TestData.Initialize(penalised, 3);
        double[] theta = plain.Parameters.ToArray();

        // lr small enough to read the gradient back from the SGD update: theta' = theta - lr g.
        StepResult a = new TrainingStep<double>(plain, new Sgd(1e-3)).Run(x, y);
        var step = new TrainingStep<double>(penalised, new Sgd(1e-3), new TrainingOptions { L2 = 0.3 });
        StepResult b = step.Run(x, y);

        double squares = 0;
        ParameterMask weights = ParameterMask.Weights(SkClassifier.LayerSizes);
        for (int q = 0; q < theta.Length; q++)
        {
            if (weights[q])
            {
                squares += theta[q] * theta[q];
            }
        }

        Assert.Equal(0, a.Penalty);
        Assert.Equal(0.3 / (2 * 6) * squares, b.Penalty, 14);
        Assert.Equal(a.Cost + b.Penalty, b.Cost, 14);
        for (int q = 0; q < theta.Length; q++)
        {
            double gPlain = (theta[q] - plain.Parameters[q]) / 1e-3;
            double gPenalised = (theta[q] - penalised.Parameters[q]) / 1e-3;
            double expected = weights[q] ? 0.3 / 6 * theta[q] : 0;
            Assert.True(Math.Abs(gPenalised - gPlain - expected) < 1e-9, $"parameter {q}: {gPenalised - gPlain} vs {expected}");
            Assert.Equal(gPenalised, step.Gradients[q], 9);
        }
    }

    [Fact]
    public void Full_batch_L2_takes_the_step_of_masked_weight_decay_alpha_over_m()
    {
        (double[] x, double[] y) = Batch(5);
        var a = new SkClassifier();
        var b = new SkClassifier();
        TestData.Initialize(a, 4);
        TestData.Initialize(b, 4);
        var withL2 = new TrainingStep<double>(a, new Sgd(0.2), new TrainingOptions { L2 = 0.05 });
        var withDecay = new TrainingStep<double>(b, new Sgd(0.2, weightDecay: 0.05 / 5, decayMask: ParameterMask.Weights(SkClassifier.LayerSizes)));
        for (int s = 0; s < 4; s++)
        {
            StepResult ra = withL2.Run(x, y);
            StepResult rb = withDecay.Run(x, y);
            Assert.Equal(ra.Cost - ra.Penalty, rb.Cost, 12); // the decay is not in the reported cost
        }

        for (int q = 0; q < SkClassifier.ParameterCount; q++)
        {
            Assert.Equal(a.Parameters[q], b.Parameters[q], 12);
        }
    }

    [Fact]
    public void Without_options_a_TrainingStep_is_the_generated_TrainStep_bit_for_bit()
    {
        var random = new SplitMix64(11);
        float[] x = TestData.Uniform<float>(7 * 4, 1.5, ref random);
        float[] y = TestData.Targets<float>(Loss.CrossEntropy, 7, 3, ref random);
        var generated = new SkClassifierSingle();
        var runtime = new SkClassifierSingle();
        TestData.Initialize(generated, 5);
        TestData.Initialize(runtime, 5);
        var optimizerA = new Adam(0.01);
        var step = new TrainingStep<float>(runtime, new Adam(0.01));
        for (int s = 0; s < 5; s++)
        {
            float cost = generated.TrainStep(x, y, optimizerA);
            Assert.Equal((double)cost, step.Run(x, y).Cost);
        }

        Assert.Equal(generated.Parameters.ToArray(), runtime.Parameters.ToArray());
    }

    [Fact]
    public void A_step_allocates_nothing_after_construction()
    {
        (double[] x, double[] y) = Batch(6);
        var network = new SkClassifier();
        TestData.Initialize(network, 1);
        var step = new TrainingStep<double>(network, new AdamW(), new TrainingOptions { L2 = 0.01, MaxGradientNorm = 0.1 });
        step.Run(x, y);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 0; s < 100; s++)
        {
            step.Run(x, y);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_non_finite_batch_throws_before_the_update_with_L2_and_clipping()
    {
        (double[] x, double[] y) = Batch(4);
        x[5] = double.NaN;
        var network = new SkClassifier();
        TestData.Initialize(network, 2);
        double[] before = network.Parameters.ToArray();
        var step = new TrainingStep<double>(network, new Sgd(0.1, momentum: 0.9), new TrainingOptions { L2 = 0.1, MaxGradientNorm = 1 });
        Assert.Throws<TrainingDivergedException>(() => step.Run(x, y));
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void Clipping_bounds_the_gradient_norm_and_reports_the_norm_before()
    {
        (double[] x, double[] y) = Batch(6);
        var network = new SkClassifier();
        TestData.Initialize(network, 8);
        var step = new TrainingStep<double>(network, new Sgd(0.1), new TrainingOptions { MaxGradientNorm = 1e-3 });
        StepResult result = step.Run(x, y);
        double after = Math.Sqrt(step.Gradients.ToArray().Sum(g => g * g));
        Assert.True(result.Clipped);
        Assert.True(result.GradientNorm > 1e-3);
        Assert.Equal(1e-3 * result.GradientNorm / (result.GradientNorm + 1e-6), after, 15);
        Assert.Equal(0.1, result.LearningRate);
    }

    [Fact]
    public void Options_and_schedules_reject_out_of_range_values()
    {
        var options = new TrainingOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.L2 = -1e-3);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.L2 = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxGradientNorm = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxGradientNorm = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1).LearningRate = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(2, gamma: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialLR(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(5, warmupEpochs: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InverseScaling(-0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialLR(0.5).WithWarmup(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(beta1: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop(alpha: -0.1));
    }

    [Fact]
    public void A_schedule_captures_the_initial_rate_once_and_Reset_forgets_it()
    {
        var optimizer = new Sgd(0.4);
        var schedule = new ExponentialLR(0.5);
        Assert.Equal(0.4, schedule.Apply(optimizer, 0));
        Assert.Equal(0.1, schedule.Apply(optimizer, 2));
        Assert.Equal(0.2, schedule.Apply(optimizer, 1)); // from lr_0 = 0.4, not from the current 0.1
        schedule.Reset();
        Assert.Equal(0.1, schedule.Apply(optimizer, 1)); // lr_0 is now the optimizer's 0.2
    }

    [Fact]
    public void Plateau_scales_an_inner_schedule()
    {
        var optimizer = new Sgd(1.0);
        var schedule = new ReduceLROnPlateau(factor: 0.5, patience: 0, inner: new StepLR(2, 0.1));
        Assert.Equal(1.0, schedule.Apply(optimizer, 0));
        schedule.Observe(1.0);
        Assert.Equal(1.0, schedule.Apply(optimizer, 1));
        schedule.Observe(2.0); // worse: halve
        Assert.Equal(0.05, schedule.Apply(optimizer, 2), 15);
        Assert.Equal(1, schedule.Reductions);
    }
}
