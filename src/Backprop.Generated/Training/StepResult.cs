namespace Backprop.Generated;

/// <summary>What one <see cref="TrainingStep{T}.Run"/> did.</summary>
public readonly struct StepResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="cost">J + penalty of the batch before the update.</param>
    /// <param name="penalty">alpha/(2m) sum_l ||W[l]||^2 (0 without L2).</param>
    /// <param name="gradientNorm">||g||_2 of the full gradient (penalty included) before clipping.</param>
    /// <param name="clipped">Whether the gradient was scaled down.</param>
    /// <param name="learningRate">The optimizer's lr for this update.</param>
    public StepResult(double cost, double penalty, double gradientNorm, bool clipped, double learningRate)
    {
        Cost = cost;
        Penalty = penalty;
        GradientNorm = gradientNorm;
        Clipped = clipped;
        LearningRate = learningRate;
    }

    /// <summary>The batch's cost before the update: J = (1/m) sum_i L_i plus <see cref="Penalty"/> (scikit-learn's batch loss).</summary>
    public double Cost { get; }

    /// <summary>The L2 penalty alpha/(2m) sum_l ||W[l]||_F^2 included in <see cref="Cost"/> (0 without <see cref="TrainingOptions.L2"/>).</summary>
    public double Penalty { get; }

    /// <summary>The global norm sqrt(sum_q g_q^2) of the gradient (penalty included) before clipping: what PyTorch's <c>clip_grad_norm_</c> returns.</summary>
    public double GradientNorm { get; }

    /// <summary>Whether clipping scaled the gradient by max_norm / (<see cref="GradientNorm"/> + 1e-6).</summary>
    public bool Clipped { get; }

    /// <summary>The learning rate the optimizer used.</summary>
    public double LearningRate { get; }
}
