// The accuracy of the activations that RTNeural's Eigen backend evaluates (Eigen's vectorized float logistic and
// tanh), against double precision, for docs/benchmarks.md ("What the RTNeural peer computes"). Build and run:
//   g++ -O3 -march=native -I/usr/include/eigen3 activation_accuracy.cpp -o /tmp/activation_accuracy && /tmp/activation_accuracy
// 2^20 evenly spaced points of [-9, 9] (logistic) and [-8, 8] (tanh); relative error |f - exact| / |exact|.
#include <Eigen/Dense>
#include <cmath>
#include <cstdio>

int main()
{
    const int n = 1 << 20;
    Eigen::ArrayXf z(n), t(n);
    for (int i = 0; i < n; i++)
    {
        z[i] = -9.0f + 18.0f * i / (n - 1);
        t[i] = -8.0f + 16.0f * i / (n - 1);
    }

    Eigen::ArrayXf logistic = z.logistic();
    Eigen::ArrayXf tanh = t.tanh();
    double worstLogistic = 0, atLogistic = 0, worstTanh = 0, atTanh = 0;
    for (int i = 0; i < n; i++)
    {
        double exact = 1.0 / (1.0 + std::exp(-(double)z[i]));
        double relative = std::fabs(logistic[i] - exact) / exact;
        if (relative > worstLogistic)
        {
            worstLogistic = relative;
            atLogistic = z[i];
        }

        exact = std::tanh((double)t[i]);
        if (exact != 0)
        {
            relative = std::fabs(tanh[i] - exact) / std::fabs(exact);
            if (relative > worstTanh)
            {
                worstTanh = relative;
                atTanh = t[i];
            }
        }
    }

    std::printf("Eigen %d.%d.%d, float, vectorized\n", EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION);
    std::printf("logistic: max relative error %.3g at z = %.4f\n", worstLogistic, atLogistic);
    std::printf("tanh: max relative error %.3g at z = %.4f\n", worstTanh, atTanh);
    return 0;
}
