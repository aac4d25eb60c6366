// The RTNeural peer: the workloads as compile-time RTNeural::ModelT models, behind a small C interface that
// RTNeuralPeer.cs loads. Built twice by build.sh (RTNEURAL_USE_EIGEN, RTNEURAL_USE_XSIMD) with g++ -O3 -march=native.
//
// Parameters arrive in the generated classes' layout: per layer W[l] (n_{l-1} x n_l, row-major), then b[l].
// RTNeural's dense weights are out x in, so they are transposed here.
#include <RTNeural/RTNeural.h>

#include <chrono>
#include <cstring>
#include <vector>

namespace
{
using W1Model = RTNeural::ModelT<float, 3, 1,
    RTNeural::DenseT<float, 3, 2>, RTNeural::SigmoidActivationT<float, 2>,
    RTNeural::DenseT<float, 2, 1>, RTNeural::SigmoidActivationT<float, 1>>;

using W2Model = RTNeural::ModelT<float, 8, 4,
    RTNeural::DenseT<float, 8, 16>, RTNeural::TanhActivationT<float, 16>,
    RTNeural::DenseT<float, 16, 16>, RTNeural::TanhActivationT<float, 16>,
    RTNeural::DenseT<float, 16, 4>>;

using W3Model = RTNeural::ModelT<float, 16, 8,
    RTNeural::DenseT<float, 16, 64>, RTNeural::ReLuActivationT<float, 64>,
    RTNeural::DenseT<float, 64, 64>, RTNeural::ReLuActivationT<float, 64>,
    RTNeural::DenseT<float, 64, 8>>;

using W4Model = RTNeural::ModelT<float, 784, 10,
    RTNeural::DenseT<float, 784, 128>, RTNeural::ReLuActivationT<float, 128>,
    RTNeural::DenseT<float, 128, 10>, RTNeural::SoftmaxActivationT<float, 10>>;

// Copies one dense layer's W (in x out, row-major) and b from theta; returns the number of floats read.
template <typename Dense>
int setDense(Dense& dense, const float* theta)
{
    constexpr int in = Dense::in_size;
    constexpr int out = Dense::out_size;
    std::vector<std::vector<float>> w(out, std::vector<float>(in));
    for (int k = 0; k < in; ++k)
        for (int i = 0; i < out; ++i)
            w[i][k] = theta[k * out + i];
    dense.setWeights(w);
    dense.setBias(theta + in * out);
    return in * out + out;
}

template <typename Model>
struct Peer
{
    Model model;
    // RTNeural reads its input with aligned loads of whole vectors (xsimd) or an aligned map (Eigen): aligned and
    // padded to a multiple of 16 floats.
    alignas(64) float input[(Model::input_size + 15) / 16 * 16] = {};
};

Peer<W1Model>* w1 = nullptr;
Peer<W2Model>* w2 = nullptr;
Peer<W3Model>* w3 = nullptr;
Peer<W4Model>* w4 = nullptr;

template <typename P>
void forward(P* peer, const float* x, float* y)
{
    std::memcpy(peer->input, x, sizeof(float) * decltype(peer->model)::input_size);
    peer->model.forward(peer->input);
    std::memcpy(y, peer->model.getOutputs(), sizeof(float) * decltype(peer->model)::output_size);
}

// ns per forward over `iterations` calls on the stored input; the asm barriers keep every call (the compiler must
// assume the input changed and the outputs are read).
template <typename P>
double timeForward(P* peer, long iterations)
{
    float* input = peer->input;
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < iterations; ++i)
    {
        asm volatile("" : : "r"(input) : "memory");
        peer->model.forward(input);
        const float* out = peer->model.getOutputs();
        asm volatile("" : : "r"(out) : "memory");
    }
    auto stop = std::chrono::steady_clock::now();
    return std::chrono::duration<double, std::nano>(stop - start).count() / static_cast<double>(iterations);
}
}

#define RTN_EXPORT __attribute__((visibility("default")))

extern "C" {

// The backend this library was built with: "Eigen" or "xsimd".
RTN_EXPORT const char* rtn_backend()
{
#if RTNEURAL_USE_EIGEN
    return "Eigen";
#elif RTNEURAL_USE_XSIMD
    return "xsimd";
#else
    return "STL";
#endif
}

// workload: 1-4 (W1-W4). Returns 0, or -1 for an unknown workload.
RTN_EXPORT int rtn_set_parameters(int workload, const float* theta)
{
    switch (workload)
    {
    case 1:
        if (!w1) w1 = new Peer<W1Model>();
        theta += setDense(w1->model.get<0>(), theta);
        setDense(w1->model.get<2>(), theta);
        w1->model.reset();
        return 0;
    case 2:
        if (!w2) w2 = new Peer<W2Model>();
        theta += setDense(w2->model.get<0>(), theta);
        theta += setDense(w2->model.get<2>(), theta);
        setDense(w2->model.get<4>(), theta);
        w2->model.reset();
        return 0;
    case 3:
        if (!w3) w3 = new Peer<W3Model>();
        theta += setDense(w3->model.get<0>(), theta);
        theta += setDense(w3->model.get<2>(), theta);
        setDense(w3->model.get<4>(), theta);
        w3->model.reset();
        return 0;
    case 4:
        if (!w4) w4 = new Peer<W4Model>();
        theta += setDense(w4->model.get<0>(), theta);
        setDense(w4->model.get<2>(), theta);
        w4->model.reset();
        return 0;
    default:
        return -1;
    }
}

// One example: x (n_0 floats) to y (n_L floats). Also stores x as the input that rtn_time_forward uses.
RTN_EXPORT int rtn_forward(int workload, const float* x, float* y)
{
    switch (workload)
    {
    case 1: forward(w1, x, y); return 0;
    case 2: forward(w2, x, y); return 0;
    case 3: forward(w3, x, y); return 0;
    case 4: forward(w4, x, y); return 0;
    default: return -1;
    }
}

// ns per one-example forward, timed in a loop of `iterations` calls here (no interop per call).
RTN_EXPORT double rtn_time_forward(int workload, long iterations)
{
    switch (workload)
    {
    case 1: return timeForward(w1, iterations);
    case 2: return timeForward(w2, iterations);
    case 3: return timeForward(w3, iterations);
    case 4: return timeForward(w4, iterations);
    default: return -1;
    }
}
}
