using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

/// <summary>
/// The RTNeural peer (issue 19; inference only, one example): RTNeural's compile-time <c>ModelT</c> for the workload,
/// built by rtneural/build.sh with g++ -O3 -march=native into librtneural_peer_eigen.so (RTNeural's Eigen backend) and
/// librtneural_peer_xsimd.so (its xsimd backend), next to this assembly in rtneural/ (or in $RTNEURAL_PEER_DIR). The
/// parameters are this project's (W[l] in x out, row-major), transposed there into RTNeural's out x in.
/// <see cref="Forward"/> goes through one interop call (an unmanaged function pointer without a GC transition);
/// <see cref="TimeForward"/> times the forward pass in a loop inside the library, so --paired measures RTNeural
/// without any interop cost per call.
/// </summary>
public sealed unsafe class RTNeuralPeer
{
    /// <summary>The two builds, as the peers' names end.</summary>
    public static readonly string[] Backends = { "Eigen", "xsimd" };

    private static readonly Dictionary<string, nint> Libraries = new();
    private static readonly HashSet<string> Reported = new();

    private readonly int _workload;
    private readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<int, float*, float*, int> _forward;
    private readonly delegate* unmanaged[Cdecl]<int, long, double> _time;

    private RTNeuralPeer(nint library, int workload, string backend, ReadOnlySpan<float> parameters)
    {
        _workload = workload;
        Name = $"RTNeural {backend}";
        _forward = (delegate* unmanaged[Cdecl, SuppressGCTransition]<int, float*, float*, int>)NativeLibrary.GetExport(library, "rtn_forward");
        _time = (delegate* unmanaged[Cdecl]<int, long, double>)NativeLibrary.GetExport(library, "rtn_time_forward");
        var set = (delegate* unmanaged[Cdecl]<int, float*, int>)NativeLibrary.GetExport(library, "rtn_set_parameters");
        fixed (float* theta = parameters)
        {
            if (set(workload, theta) != 0)
            {
                throw new InvalidOperationException($"{Name}: rtn_set_parameters({workload}) failed");
            }
        }
    }

    /// <summary>"RTNeural Eigen" or "RTNeural xsimd".</summary>
    public string Name { get; }

    /// <summary>Where the libraries are looked for.</summary>
    public static string Directory =>
        Environment.GetEnvironmentVariable("RTNEURAL_PEER_DIR") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "rtneural");

    /// <summary>
    /// The peer of <paramref name="backend"/> ("Eigen" or "xsimd") for W1-W4, or null (the library was not built, or the
    /// workload is not one RTNeural's build has: the digits network); the first miss per backend prints why. With
    /// <paramref name="check"/>, a peer whose outputs on 16 examples differ from ArrayMlp's by more than 1e-5 is left
    /// out too, with a message (RTNeural's xsimd softmax adds its padding lanes into the sum: W4 with 10 outputs), so
    /// no mode times a wrong answer; --verify reports the differences itself.
    /// </summary>
    public static RTNeuralPeer? Create(string backend, Workload workload, ReadOnlySpan<float> parameters, bool check = true)
    {
        RTNeuralPeer? peer = Load(backend, workload, parameters);
        if (peer is null || !check)
        {
            return peer;
        }

        float difference = peer.MaxDifference(workload, parameters);
        if (difference <= 1e-5f)
        {
            return peer;
        }

        Console.WriteLine($"{peer.Name}: {workload.Name} differs from ArrayMlp by up to {difference:E2}: left out");
        return null;
    }

    /// <summary>The largest |RTNeural - ArrayMlp| over the outputs of 16 examples.</summary>
    public float MaxDifference(Workload workload, ReadOnlySpan<float> parameters)
    {
        int n0 = workload.Sizes[0], nL = workload.Sizes[^1];
        var reference = new ArrayMlp(workload, parameters);
        (float[] x, _) = Workloads.Data(workload, 16, seed: 3);
        float[] expected = new float[nL], actual = new float[nL];
        float max = 0;
        for (int i = 0; i < 16; i++)
        {
            float[] row = x.AsSpan(i * n0, n0).ToArray();
            reference.Forward(row, expected);
            Forward(row, actual);
            for (int k = 0; k < nL; k++)
            {
                float d = MathF.Abs(actual[k] - expected[k]);
                max = float.IsNaN(d) ? float.PositiveInfinity : Math.Max(max, d);
            }
        }

        return max;
    }

    private static RTNeuralPeer? Load(string backend, Workload workload, ReadOnlySpan<float> parameters)
    {
        int id = workload == Workloads.W1 ? 1 : workload == Workloads.W2 ? 2 : workload == Workloads.W3 ? 3 : workload == Workloads.W4 ? 4 : 0;
        if (id == 0)
        {
            return null;
        }

        lock (Libraries)
        {
            if (!Libraries.TryGetValue(backend, out nint library))
            {
                string path = Path.Combine(Directory, $"librtneural_peer_{backend.ToLowerInvariant()}.so");
                if (!File.Exists(path) || !NativeLibrary.TryLoad(path, out library))
                {
                    library = 0;
                    if (Reported.Add(backend))
                    {
                        Console.WriteLine($"RTNeural {backend}: {path} not found or not loadable (rtneural/build.sh builds it; run.sh calls it): skipped");
                    }
                }

                Libraries[backend] = library;
            }

            return library == 0 ? null : new RTNeuralPeer(library, id, backend, parameters);
        }
    }

    /// <summary>One example (also stored as the input <see cref="TimeForward"/> uses).</summary>
    public void Forward(float[] input, float[] output)
    {
        fixed (float* x = input, y = output)
        {
            _forward(_workload, x, y);
        }
    }

    /// <summary>ns per one-example forward on the last input, over <paramref name="iterations"/> calls looped in C++.</summary>
    public double TimeForward(long iterations) => _time(_workload, iterations);
}
