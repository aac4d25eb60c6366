using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;

/// <summary>
/// <c>--int8 [ROUNDS]</c>: issue 23's table. For W3, W4 and the digits network, one-example <c>Forward</c> and
/// <c>ForwardBatch</c> with m = 64 and 1,024: the float network, its <c>ToInt8()</c> form, and ONNX Runtime running
/// the same weights as a dynamically quantised model (<see cref="OnnxModelWriter.WriteDynamicInt8"/>, one thread), timed
/// in turns: each round times every contender for about 2 ms in a rotating order; the table gives the median ns per
/// call over the rounds, and the int8 form's multiply-adds per second as % of the peak of the instruction form its kernels take here
/// (<see cref="Int8PeakProbe.ForDetectedPath"/>).
/// </summary>
public static class Int8Timing
{
    private sealed record Contender(string Name, Action Call);

    public static string Run(int rounds)
    {
        (string form, double peak) = Int8PeakProbe.ForDetectedPath();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"int8 kernels here: {form}; its multiply-add peak on this core: {peak:F1} G multiply-adds/s (vpmaddwd + vpaddd, 256-bit: {Int8PeakProbe.GigaMultiplyAdds():F1}, 512-bit: {Int8PeakProbe.Madd512GigaMultiplyAdds():F1}; vpdpbusd, 256-bit: {Int8PeakProbe.Vnni():F1}); the % column is of the first");
        text.AppendLine();
        text.AppendLine("| workload | call | float ns | int8 ns | float / int8 | int8 % of int8 peak | ORT int8 ns | ORT int8 / int8 |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        Console.Write(text);
        foreach (Workload workload in new[] { Workloads.W3, Workloads.W4, Workloads.Digits })
        {
            foreach (int m in new[] { 1, 64, 1024 })
            {
                string line = Cell(workload, m, rounds, peak);
                Console.WriteLine(line);
                text.AppendLine(line);
            }
        }

        return text.ToString();
    }

    private static string Cell(Workload workload, int m, int rounds, double peak)
    {
        (Action floatCall, Action int8Call, float[] int8Out, Func<float[]> ortOut, Action ortCall, IDisposable ort) = Build(workload, m);
        using (ort)
        {
            floatCall();
            int8Call();
            ortCall();
            float difference = int8Out.Zip(ortOut()).Max(p => Math.Abs(p.First - p.Second));
            var contenders = new[] { new Contender("float", floatCall), new Contender("int8", int8Call), new Contender("ort", ortCall) };
            Dictionary<string, double> ns = Time(contenders, rounds);
            double macs = (double)m * workload.ForwardMultiplyAdds;
            double percent = macs / ns["int8"] / peak * 100;
            string call = m == 1 ? "Forward" : $"ForwardBatch m={m}";
            return string.Create(CultureInfo.InvariantCulture,
                $"| {workload.Name} | {call} | {ns["float"]:N0} | {ns["int8"]:N0} | {ns["float"] / ns["int8"]:F2} | {percent:F1} % | {ns["ort"]:N0} | {ns["ort"] / ns["int8"]:F2} |")
                + (difference > 0.05f ? $" (ORT and int8 outputs differ by up to {difference:G3})" : string.Empty);
        }
    }

    private static (Action, Action, float[], Func<float[]>, Action, IDisposable) Build(Workload workload, int m)
    {
        (float[] x, _) = Workloads.Data(workload, m, Workloads.Seed);
        int nL = workload.Sizes[^1];
        float[] floatOut = new float[m * nL], int8Out = new float[m * nL];
        Action floatCall, int8Call;
        float[] parameters;
        switch (workload.Sizes[0])
        {
            case 16:
            {
                var net = new W3Net { MaxDegreeOfParallelism = 1 };
                net.InitializeParameters(Workloads.Seed);
                W3Net.Int8 q = net.ToInt8();
                parameters = net.Parameters.ToArray();
                floatCall = m == 1 ? () => net.Forward(x, floatOut) : () => net.ForwardBatch(x, floatOut);
                int8Call = m == 1 ? () => q.Forward(x, int8Out) : () => q.ForwardBatch(x, int8Out);
                break;
            }

            case 784:
            {
                var net = new W4Net { MaxDegreeOfParallelism = 1 };
                net.InitializeParameters(Workloads.Seed);
                W4Net.Int8 q = net.ToInt8();
                parameters = net.Parameters.ToArray();
                floatCall = m == 1 ? () => net.Forward(x, floatOut) : () => net.ForwardBatch(x, floatOut);
                int8Call = m == 1 ? () => q.Forward(x, int8Out) : () => q.ForwardBatch(x, int8Out);
                break;
            }

            default:
            {
                var net = new DigitsNet { MaxDegreeOfParallelism = 1 };
                net.InitializeParameters(Workloads.Seed);
                DigitsNet.Int8 q = net.ToInt8();
                parameters = net.Parameters.ToArray();
                floatCall = m == 1 ? () => net.Forward(x, floatOut) : () => net.ForwardBatch(x, floatOut);
                int8Call = m == 1 ? () => q.Forward(x, int8Out) : () => q.ForwardBatch(x, int8Out);
                break;
            }
        }

        var peer = new OnnxRuntimePeer(workload, OnnxModelWriter.WriteDynamicInt8(workload, parameters), Math.Max(m, 1));
        Action ortCall;
        Func<float[]> ortOut;
        if (m == 1)
        {
            x.CopyTo(peer.SingleInput, 0);
            ortCall = peer.RunSingle;
            ortOut = () => peer.SingleOutput;
        }
        else
        {
            x.CopyTo(peer.BatchInput, 0);
            ortCall = peer.RunBatch;
            ortOut = () => peer.BatchOutput;
        }

        return (floatCall, int8Call, int8Out, ortOut, ortCall, peer);
    }

    private static Dictionary<string, double> Time(Contender[] contenders, int rounds)
    {
        // Calls per timed batch: about 2 ms each, from a warm-up of the slowest.
        var calls = new Dictionary<string, long>();
        foreach (Contender c in contenders)
        {
            for (int i = 0; i < 20; i++)
            {
                c.Call();
            }

            long start = Stopwatch.GetTimestamp();
            long n = 0;
            while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < 2)
            {
                c.Call();
                n++;
            }

            calls[c.Name] = Math.Max(1, n);
        }

        var samples = contenders.ToDictionary(c => c.Name, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < contenders.Length; k++)
            {
                Contender c = contenders[(round + k) % contenders.Length];
                long n = calls[c.Name];
                long start = Stopwatch.GetTimestamp();
                for (long i = 0; i < n; i++)
                {
                    c.Call();
                }

                samples[c.Name].Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds / n);
            }
        }

        return samples.ToDictionary(p => p.Key, p => Median(p.Value));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
