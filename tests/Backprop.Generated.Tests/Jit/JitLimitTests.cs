using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Tests.Jit;

/// <summary>
/// Issue 8 item 5: every generated method stays under the thresholds above which the .NET JIT gives up optimising a
/// method and compiles it with MinOpts (a straight translation, several times slower). The thresholds are the
/// DEFAULT_MIN_OPTS_* defines of dotnet/runtime, src/coreclr/jit/compiler.h (in the JIT's options struct, next to
/// MAX_LV_NUM_COUNT_FOR_INLINING), applied in src/coreclr/jit/compiler.cpp (Compiler::compSetOptimizationLevel, its
/// "Retail check" for methods that are not prejitted):
/// a method is compiled with MinOpts when its IL code size &gt; DEFAULT_MIN_OPTS_CODE_SIZE (60000), its IL instruction
/// count &gt; DEFAULT_MIN_OPTS_INSTR_COUNT (20000), its basic-block count &gt; DEFAULT_MIN_OPTS_BB_COUNT (2000), its local
/// variable count (arguments, locals and JIT temporaries) &gt; DEFAULT_MIN_OPTS_LV_NUM_COUNT (2000), or its count of
/// local and argument references in the IL &gt; DEFAULT_MIN_OPTS_LV_REF_COUNT (8000). These are the same values in
/// every dotnet/runtime version consulted (the DEBUG JIT reads them through the JitMinOpts* settings of
/// jitconfigvalues.h). The IL code size the JIT compares is the IL alone; this test uses the whole body size, which is
/// larger. Not asserted, but worth comparing with the printed local counts: MAX_LV_NUM_COUNT_FOR_INLINING (512, same
/// file), above which the JIT stops inlining into a method.
/// The test compiles the largest declarations the tests use, emits the assembly (Release, as a user's optimised
/// build) to a stream, reads every method body with System.Reflection.Metadata, decodes its IL and requires each
/// figure to stay at or below half of its threshold: the JIT adds temporaries and blocks of its own when it
/// imports and inlines, so a method at the threshold in IL would already be over it.
/// </summary>
public class JitLimitTests
{
    /// <summary>dotnet/runtime src/coreclr/jit/compiler.h: #define DEFAULT_MIN_OPTS_CODE_SIZE 60000.</summary>
    public const int MinOptsCodeSize = 60000;

    /// <summary>dotnet/runtime src/coreclr/jit/compiler.h: #define DEFAULT_MIN_OPTS_INSTR_COUNT 20000.</summary>
    public const int MinOptsInstrCount = 20000;

    /// <summary>dotnet/runtime src/coreclr/jit/compiler.h: #define DEFAULT_MIN_OPTS_BB_COUNT 2000.</summary>
    public const int MinOptsBbCount = 2000;

    /// <summary>dotnet/runtime src/coreclr/jit/compiler.h: #define DEFAULT_MIN_OPTS_LV_NUM_COUNT 2000.</summary>
    public const int MinOptsLvNumCount = 2000;

    /// <summary>dotnet/runtime src/coreclr/jit/compiler.h: #define DEFAULT_MIN_OPTS_LV_REF_COUNT 8000.</summary>
    public const int MinOptsLvRefCount = 8000;

    /// <summary>The share of each threshold a generated method may use.</summary>
    public const double Margin = 0.5;

    private readonly ITestOutputHelper output;

    public JitLimitTests(ITestOutputHelper output) => this.output = output;

    /// <summary>The figures of one method body, as the JIT counts them before it optimises.</summary>
    public sealed record MethodFigures(string Name, int BodySize, int IlSize, int Instructions, int BasicBlocks, int Locals, int LocalReferences);

    /// <summary>
    /// The largest declarations the tests use: the MNIST-sized 784-128-10, the deepest and widest network the limits
    /// allow (SizeLimitTests), 128 layers of 2 units (every layer unrolled), and the largest unrolled one-example
    /// network the planner allows (every layer under 4 units and 256 multiply-adds, costs of 994 and 1,001 of the
    /// per-network budget of 1,024: multiply-adds plus 4 per unit), in single and double precision and with each loss.
    /// </summary>
    public static IEnumerable<object[]> Declarations => new[]
    {
        new object[] { "Mnist", "[Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]" },
        new object[] { "Deepest", "[Network(2, " + string.Join(", ", Enumerable.Repeat("256", 127)) + ", 1)]" },
        new object[] { "DeepNarrow", "[Network(" + string.Join(", ", Enumerable.Repeat("2", 128)) + ", 1, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]" },
        new object[] { "LargestUnrolled", "[Network(80, " + string.Join(", ", Enumerable.Repeat("3", 36)) + ", 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]" },
        new object[] { "LargestUnrolledDouble", "[Network(80, " + string.Join(", ", Enumerable.Repeat("3", 36)) + ", 2, Hidden = Activation.SiLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]" },
    };

    [Theory]
    [MemberData(nameof(Declarations))]
    public void Every_generated_method_stays_under_the_JIT_MinOpts_thresholds(string name, string attribute)
    {
        GeneratorRun run = GeneratorHarness.Run($"using Backprop.Generated;\n{attribute}\npublic partial class {name} {{ }}");
        GeneratorHarness.AssertClean(run);
        Compilation release = run.Output.WithOptions(run.Output.Options.WithOptimizationLevel(OptimizationLevel.Release));
        using var stream = new MemoryStream();
        EmitResult emit = release.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        stream.Position = 0;

        List<MethodFigures> methods = Measure(stream);
        Assert.NotEmpty(methods);
        Assert.Contains(methods, m => m.Name.EndsWith(".Forward", StringComparison.Ordinal));

        output.WriteLine($"{name}: {methods.Count} method bodies; the five largest by IL size:");
        output.WriteLine("| method | body bytes | IL bytes | IL instructions | basic blocks (est.) | locals + arguments | local references |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (MethodFigures m in methods.OrderByDescending(m => m.IlSize).Take(5))
        {
            output.WriteLine($"| {m.Name} | {m.BodySize} | {m.IlSize} | {m.Instructions} | {m.BasicBlocks} | {m.Locals} | {m.LocalReferences} |");
        }

        output.WriteLine($"largest of each: body {methods.Max(m => m.BodySize)}, instructions {methods.Max(m => m.Instructions)}, blocks {methods.Max(m => m.BasicBlocks)}, locals {methods.Max(m => m.Locals)}, references {methods.Max(m => m.LocalReferences)}");

        var failures = new List<string>();
        foreach (MethodFigures m in methods)
        {
            Over(failures, m, "body size (bytes, header and IL)", m.BodySize, MinOptsCodeSize);
            Over(failures, m, "IL instructions", m.Instructions, MinOptsInstrCount);
            Over(failures, m, "basic blocks", m.BasicBlocks, MinOptsBbCount);
            Over(failures, m, "locals and arguments", m.Locals, MinOptsLvNumCount);
            Over(failures, m, "local and argument references", m.LocalReferences, MinOptsLvRefCount);
        }

        Assert.True(failures.Count == 0, $"{name}: methods over {Margin:P0} of a JIT MinOpts threshold:\n" + string.Join("\n", failures));
    }

    private static void Over(List<string> failures, MethodFigures m, string what, int value, int threshold)
    {
        if (value > threshold * Margin)
        {
            failures.Add($"{m.Name}: {what} {value} > {Margin:P0} of {threshold}");
        }
    }

    /// <summary>The decoder itself: a method with known IL gives the figures counted by hand.</summary>
    [Fact]
    public void The_IL_decoder_counts_a_known_method()
    {
        string source = """
            public static class Known
            {
                public static int Branchy(int x, int y)
                {
                    int s = 0;
                    for (int i = 0; i < x; i++)
                    {
                        if (i > y) { s += i; } else { s -= 1; }
                    }
                    return s;
                }
            }
            """;
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(source)
            .WithOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release));
        using var stream = new MemoryStream();
        Assert.True(compilation.Emit(stream).Success);
        stream.Position = 0;
        MethodFigures m = Assert.Single(Measure(stream), f => f.Name == "Known.Branchy");

        // Two arguments and two locals (s, i); a loop with an if/else: at least the entry, the loop test, both arms,
        // the increment and the return are separate blocks.
        Assert.Equal(4, m.Locals);
        Assert.InRange(m.BasicBlocks, 5, 8);
        Assert.InRange(m.Instructions, 15, 30);
        Assert.True(m.LocalReferences >= 10, $"{m.LocalReferences} local references");
        Assert.True(m.BodySize > m.IlSize);
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Reads every method body of the assembly in <paramref name="pe"/> and decodes its IL.</summary>
    public static List<MethodFigures> Measure(Stream pe)
    {
        using var reader = new PEReader(pe, PEStreamOptions.LeaveOpen);
        MetadataReader metadata = reader.GetMetadataReader();
        var result = new List<MethodFigures>();
        foreach (TypeDefinitionHandle typeHandle in metadata.TypeDefinitions)
        {
            TypeDefinition type = metadata.GetTypeDefinition(typeHandle);
            string typeName = metadata.GetString(type.Name);
            if (!type.GetDeclaringType().IsNil)
            {
                typeName = metadata.GetString(metadata.GetTypeDefinition(type.GetDeclaringType()).Name) + "+" + typeName;
            }

            foreach (MethodDefinitionHandle methodHandle in type.GetMethods())
            {
                MethodDefinition method = metadata.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0)
                {
                    continue;
                }

                MethodBodyBlock body = reader.GetMethodBody(method.RelativeVirtualAddress);
                byte[] il = body.GetILBytes()!;

                // Locals from the local signature (LOCAL_SIG, then the count); arguments from the method signature,
                // plus 'this' for instance methods.
                int locals = 0;
                if (!body.LocalSignature.IsNil)
                {
                    BlobReader sig = metadata.GetBlobReader(metadata.GetStandaloneSignature(body.LocalSignature).Signature);
                    sig.ReadSignatureHeader();
                    locals = sig.ReadCompressedInteger();
                }

                BlobReader methodSig = metadata.GetBlobReader(method.Signature);
                SignatureHeader header = methodSig.ReadSignatureHeader();
                if (header.IsGeneric)
                {
                    methodSig.ReadCompressedInteger();
                }

                int arguments = methodSig.ReadCompressedInteger() + (header.IsInstance ? 1 : 0);
                (int instructions, int blocks, int references) = Decode(il);
                result.Add(new MethodFigures($"{typeName}.{metadata.GetString(method.Name)}", body.Size, il.Length, instructions, blocks, locals + arguments, references));
            }
        }

        return result;
    }

    /// <summary>
    /// Counts the IL instructions, the basic blocks (leaders: offset 0, every branch or switch target, and every
    /// instruction after a branch, switch, return, throw, leave or endfinally) and the local/argument references
    /// (ldloc, stloc, ldloca, ldarg, starg, ldarga in all their forms).
    /// </summary>
    public static (int Instructions, int BasicBlocks, int LocalReferences) Decode(byte[] il)
    {
        var leaders = new HashSet<int> { 0 };
        int instructions = 0, references = 0, at = 0;
        while (at < il.Length)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            OpCode op = OpCodesByValue[value];
            int next = at + op.Size;
            instructions++;
            switch (op.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                    next += 1;
                    leaders.Add(next + (sbyte)il[next - 1]);
                    break;
                case OperandType.InlineBrTarget:
                    next += 4;
                    leaders.Add(next + BitConverter.ToInt32(il, next - 4));
                    break;
                case OperandType.InlineSwitch:
                    int cases = BitConverter.ToInt32(il, next);
                    int end = next + 4 + (4 * cases);
                    for (int c = 0; c < cases; c++)
                    {
                        leaders.Add(end + BitConverter.ToInt32(il, next + 4 + (4 * c)));
                    }

                    next = end;
                    break;
                case OperandType.ShortInlineVar:
                case OperandType.ShortInlineI:
                    next += 1;
                    break;
                case OperandType.InlineVar:
                    next += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    next += 8;
                    break;
                default:
                    next += 4;
                    break;
            }

            string name = op.Name!;
            if (name.StartsWith("ldloc", StringComparison.Ordinal) || name.StartsWith("stloc", StringComparison.Ordinal)
                || name.StartsWith("ldarg", StringComparison.Ordinal) || name.StartsWith("starg", StringComparison.Ordinal))
            {
                references++;
            }

            if (op.FlowControl is FlowControl.Branch or FlowControl.Cond_Branch or FlowControl.Return or FlowControl.Throw
                || op == OpCodes.Leave || op == OpCodes.Leave_S || op == OpCodes.Endfinally)
            {
                leaders.Add(next);
            }

            at = next;
        }

        leaders.RemoveWhere(l => l >= il.Length);
        return (instructions, leaders.Count, references);
    }
}
