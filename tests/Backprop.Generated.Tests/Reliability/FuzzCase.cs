using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Backprop.Generated.Tests.Reliability;

/// <summary>
/// Reads a CsCheck-generated vector of choices one at a time. Every choice is "index mod n", so
/// shrinking the vector towards zeros shrinks the case towards the simplest declaration.
/// </summary>
internal sealed class Choices
{
    private readonly int[] _values;
    private int _next;

    public Choices(int[] values) => _values = values;

    public int Pick(int n) => n <= 1 ? 0 : (int)((uint)_values[_next++ % _values.Length] % (uint)n);

    /// <summary>True with probability about <paramref name="percent"/>%.</summary>
    public bool Chance(int percent) => Pick(100) < percent;

    public T OneOf<T>(params T[] items) => items[Pick(items.Length)];
}

internal enum ContainerKind { Class, StaticClass, GenericClass, Record, RecordClass, Struct, RecordStruct, ReadonlyStruct, Interface }

internal enum NetworkKind { Class, SealedClass, GenericClass, TwoParameterGeneric, Record, PositionalRecord, PrimaryConstructor }

/// <summary>
/// One fuzzed [Network] or [Layer] declaration: its source file, the span of the declaration inside it, and what
/// the generator must do with it (an oracle written independently of the parser's code).
/// </summary>
internal sealed class FuzzCase
{
    private static readonly string[] ReservedTypeNames = { "Input", "Output", "Forward", "ForwardBatch", "Parameters", "InputSize", "W1", "b1", "LayerCount" };

    public required int Index { get; init; }

    public required string Path { get; init; }

    public required string Source { get; init; }

    public required int DeclarationStart { get; init; }

    public required int DeclarationEnd { get; init; }

    /// <summary>The BPG error IDs the declaration must get (empty: valid, unless <see cref="CompilerError"/>).</summary>
    public required SortedSet<string> ExpectedIds { get; init; }

    /// <summary>A syntax or binding error the compiler itself reports (the generator must only survive it).</summary>
    public required string? CompilerError { get; init; }

    /// <summary>Runtime (reflection) names of the network types this case declares when valid.</summary>
    public required List<string> RuntimeNames { get; init; }

    public required int[] Sizes { get; init; }

    public required int[] Activations { get; init; }

    public required bool Double { get; init; }

    /// <summary>Compiler warnings the declaration earns besides its BPG errors (CS8625 for a null size array).</summary>
    public string[] CompilerWarnings { get; init; } = Array.Empty<string>();

    public bool IsValid => ExpectedIds.Count == 0 && CompilerError is null;

    public override string ToString() => $"case {Index} ({Path}){(Source.Contains("[Layer(", StringComparison.Ordinal) ? " [Layer] form" : string.Empty)}, expected [{string.Join(", ", ExpectedIds)}]{(CompilerError is null ? string.Empty : ", compiler error: " + CompilerError)}\n{Source}";

    public static FuzzCase Create(int index, int[] draw)
    {
        var c = new Choices(draw);
        // The parser reports declaration problems (BPG001/002/010/011) and attribute problems
        // (BPG003-BPG007) together; only when there are none does it go on to the limits and loss
        // (BPG009, BPG008) and the generated-name collisions (BPG040-BPG042).
        var expected = new SortedSet<string>();
        var declarationIds = new SortedSet<string>();
        var later = new SortedSet<string>();
        string? compilerError = null;

        // ---- sizes n_0..n_L, and how they are written ----
        int[]? sizes;
        string? sizesLiteral = null; // for null/default
        switch (c.Pick(100))
        {
            case < 62: sizes = RandomSizes(c, 2, 5, 1, 5); break;
            case < 70: sizes = RandomSizes(c, 2, 3, 17, 40); break; // wide enough for vector loops
            case < 72: sizes = Array.Empty<int>(); break;
            case < 74: sizes = new[] { 1 + c.Pick(5) }; break;
            case < 80:
                sizes = RandomSizes(c, 2, 5, 1, 5);
                sizes[c.Pick(sizes.Length)] = c.OneOf(0, -1, -7, int.MinValue);
                if (c.Chance(30)) { sizes[c.Pick(sizes.Length)] = 0; }
                break;
            case < 85:
                sizes = RandomSizes(c, 2, 4, 1, 5);
                sizes[c.Pick(sizes.Length)] = c.OneOf(int.MaxValue, 16_385, 100_000, 1 << 20);
                break;
            case < 89:
                sizes = Enumerable.Repeat(1, 130 + c.Pick(270)).ToArray(); // hundreds of layers
                if (c.Chance(25)) { sizes[c.Pick(sizes.Length)] = 0; }
                break;
            case < 92: sizes = new[] { 1, 16_384, 1, 16_384, 1, 16_384, 1 }.Take(4 + c.Pick(4)).ToArray(); break; // stack
            case < 94: sizes = new[] { 8_192, 8_193 }; break; // just over 64 Mi parameters
            case < 95: sizes = new[] { 16_384, 16_384 }; break;
            case < 98: sizes = null; sizesLiteral = "null"; break;
            default: sizes = null; sizesLiteral = "default"; break;
        }

        int count = sizes?.Length ?? 0;
        int layers = Math.Max(count - 1, 0);

        // ---- activations ----
        var named = new List<string>();
        int[] activationValues;
        int hidden = 2, output = 0;
        bool hiddenSet = false, outputSet = false, undefined = false, outputUndefined = false;
        int[]? perLayer = null;
        int mode = c.Pick(100);
        if (mode < 25)
        {
            // defaults
        }
        else if (mode < 65)
        {
            if (c.Chance(70)) { hidden = ActivationValue(c, ref undefined, undefinedPercent: 3); hiddenSet = true; named.Add("Hidden = " + ActivationExpression(hidden)); }
            if (c.Chance(80)) { output = ActivationValue(c, ref outputUndefined, undefinedPercent: 3); outputSet = true; named.Add("Output = " + ActivationExpression(output)); }
        }
        else if (mode < 95)
        {
            int length = c.Chance(80) ? layers : Math.Max(0, layers + c.OneOf(-1, 1, 2));
            length = Math.Min(length, 400);
            perLayer = new int[length];
            for (int i = 0; i < length; i++)
            {
                perLayer[i] = ActivationValue(c, ref undefined, undefinedPercent: 3);
            }

            named.Add("Activations = " + ArrayExpression(c, "global::Backprop.Generated.Activation", perLayer.Select(ActivationExpression).ToArray()));
            if (c.Chance(8)) { hiddenSet = true; named.Insert(0, "Hidden = Activation.ReLU"); }
            if (c.Chance(8)) { outputSet = true; named.Add("Output = Activation.Identity"); }
        }
        else
        {
            named.Add("Activations = null");
        }

        // ---- loss and precision ----
        int loss = 0;
        if (c.Chance(60))
        {
            loss = c.Chance(95) ? c.Pick(3) : c.OneOf(3, 17, -1);
            undefined |= loss is < 0 or > 2;
            named.Add("Loss = " + EnumExpression("Loss", loss, "MeanSquaredError", "BinaryCrossEntropy", "CrossEntropy"));
            if (loss == 1 && perLayer is null && c.Chance(90)) { output = 1; outputSet = true; named.RemoveAll(n => n.StartsWith("Output", StringComparison.Ordinal)); named.Add("Output = Activation.Sigmoid"); outputUndefined = false; }
            if (loss == 2 && perLayer is null && c.Chance(90)) { output = 8; outputSet = true; named.RemoveAll(n => n.StartsWith("Output", StringComparison.Ordinal)); named.Add("Output = Activation.Softmax"); outputUndefined = false; }
        }

        int precision = 0;
        if (c.Chance(40))
        {
            precision = c.Chance(93) ? c.Pick(2) : c.OneOf(2, 9);
            undefined |= precision is < 0 or > 1;
            named.Add("Precision = " + EnumExpression("Precision", precision, "Single", "Double"));
        }

        // ---- the oracle for the attribute (BPG003-BPG009) ----
        if (count < 2) { expected.Add("BPG003"); }
        if (sizes is not null && sizes.Any(s => s <= 0)) { expected.Add("BPG004"); }
        if (undefined || outputUndefined) { expected.Add("BPG005"); }
        if (perLayer is not null && (hiddenSet || outputSet)) { expected.Add("BPG007"); }
        if (perLayer is not null && count >= 2 && perLayer.Length != layers) { expected.Add("BPG006"); }

        activationValues = perLayer ?? Enumerable.Repeat(hidden, Math.Max(layers - 1, 0)).Append(output).ToArray();
        bool attributeValid = expected.Count == 0;
        if (attributeValid)
        {
            long parameters = 0, units = 0;
            for (int l = 1; l < count; l++)
            {
                parameters += ((long)sizes![l - 1] * sizes[l]) + sizes[l];
                units += sizes[l];
            }

            if (sizes!.Any(s => s > 16_384) || layers > 128 || parameters > 64L * 1024 * 1024 || units > 32_768)
            {
                later.Add("BPG009");
            }
            else if ((loss == 1 && activationValues[^1] != 1) || (loss == 2 && activationValues[^1] != 8))
            {
                later.Add("BPG008");
            }
        }

        // ---- the containing scope ----
        bool isDouble = precision == 1;
        string element = isDouble ? "double" : "float";
        string otherElement = isDouble ? "float" : "double";
        int namespaceMode = c.Pick(5); // 0 global, 1 block, 2 file-scoped, 3 nested blocks, 4 keyword
        var containers = new List<(ContainerKind Kind, bool Partial, bool File, string Name, int Arity)>();
        int depth = c.Pick(100) switch { < 55 => 0, < 85 => 1, < 95 => 2, _ => 3 };
        for (int d = 0; d < depth; d++)
        {
            var kind = (ContainerKind)c.Pick(Enum.GetValues<ContainerKind>().Length);
            bool partial = !c.Chance(3);
            bool file = d == 0 && c.Chance(4);
            if (!partial) { declarationIds.Add("BPG002"); }
            if (file) { declarationIds.Add("BPG011"); }
            containers.Add((kind, partial, file, $"Outer{index}_{d}", kind == ContainerKind.GenericClass ? 1 : 0));
        }

        // ---- the network type ----
        // Records are rejected (BPG014) since issue 10: drawn rarely, so most cases still reach the other checks.
        var networkKind = c.Chance(5)
            ? c.OneOf(NetworkKind.Record, NetworkKind.PositionalRecord)
            : c.OneOf(NetworkKind.Class, NetworkKind.SealedClass, NetworkKind.GenericClass, NetworkKind.TwoParameterGeneric, NetworkKind.PrimaryConstructor);
        bool networkPartial = !c.Chance(3);
        bool networkStatic = networkKind == NetworkKind.Class && c.Chance(4);
        bool networkFile = containers.Count == 0 && c.Chance(4);
        if (!networkPartial) { declarationIds.Add("BPG001"); }
        if (networkStatic) { declarationIds.Add("BPG010"); }
        if (networkFile) { declarationIds.Add("BPG011"); }
        if (networkKind is NetworkKind.Record or NetworkKind.PositionalRecord) { declarationIds.Add("BPG014"); }

        string name = $"Net{index}";
        bool ownScope = namespaceMode != 0 || containers.Count > 0;
        if (ownScope && c.Chance(6))
        {
            name = c.OneOf(ReservedTypeNames);
            if (IsGeneratedName(name, layers)) { later.Add("BPG041"); }
        }
        else if (ownScope && c.Chance(4))
        {
            name = c.OneOf("@class", "@event", "@partial", "Ñet" + index, "N\\u0061et" + index);
        }

        bool twin = name == $"Net{index}" && !networkStatic && c.Chance(6);

        string typeParameters = string.Empty;
        string typeParameterName = "TFirst";
        int arity = 0;
        if (networkKind == NetworkKind.GenericClass)
        {
            string p = c.Chance(8) ? c.OneOf("Input", "Output", "W1", "InputSize") : "T";
            p = p == name ? "T" : p; // the user's own CS0694
            if (IsGeneratedName(p, layers)) { later.Add("BPG040"); }
            typeParameters = $"<{p}>";
            typeParameterName = p;
            arity = 1;
        }
        else if (networkKind == NetworkKind.TwoParameterGeneric)
        {
            typeParameters = "<TFirst, TSecond>";
            arity = 2;
        }

        // ---- a base class, maybe with members the generated ones would hide ----
        string? baseClass = null;
        string? baseName = null;
        string? baseMemberName = null;
        if (networkKind is NetworkKind.Class or NetworkKind.SealedClass or NetworkKind.GenericClass && !networkStatic && c.Chance(12))
        {
            baseName = $"Base{index}";
            int b = c.Pick(5);
            string baseMember = b switch
            {
                0 => "public int Parameters => 0;",
                1 => $"public void Forward(global::System.ReadOnlySpan<{element}> x, global::System.Span<{element}> y) {{ }}",
                2 => "protected const int InputSize = 0;",
                3 => "private int Output => 0;", // private: not hidden
                _ => "public int Unrelated => 0;",
            };
            if (b <= 2) { later.Add("BPG042"); }
            baseMemberName = MemberName(baseMember.Replace(" => ", ";"));
            baseClass = $"{(networkFile ? "file " : "public ")}class {baseName}\n{{\n    {baseMember}\n}}\n";
        }

        string? positional = null;
        string? positionalName = null;
        if (networkKind == NetworkKind.PositionalRecord)
        {
            string p = c.Chance(10) ? c.OneOf("Input", "Parameters", "Output") : "Value";
            p = p == name ? "Value" : p; // a member named like its type is the user's own CS0542
            if (IsGeneratedName(p, layers)) { later.Add("BPG040"); }
            positional = $"(int {p})";
            positionalName = p;
        }
        else if (networkKind == NetworkKind.PrimaryConstructor)
        {
            positional = "(int seed)";
        }

        // ---- members: some collide with generated names, some only look alike ----
        var members = new List<string>();
        if (networkKind == NetworkKind.PrimaryConstructor)
        {
            members.Add("public int Seed => seed;");
        }

        if (!networkStatic)
        {
            // (a user member named like the base member would be the user's own CS0108)
            var usedNames = new HashSet<string>(StringComparer.Ordinal) { baseMemberName ?? string.Empty, positionalName ?? string.Empty, "get_" + positionalName, "Seed", name, typeParameterName };
            int memberCount = c.Pick(100) switch { < 72 => 0, < 90 => 1, < 97 => 2, _ => 3 };
            for (int m = 0; m < memberCount; m++)
            {
                (string text, bool collides) = Member(c, layers, element, otherElement, networkKind);
                string memberName = MemberName(text);
                if (!usedNames.Add(memberName))
                {
                    continue; // two members of one name would be the user's own CS0102
                }

                members.Add(text);
                if (collides) { later.Add("BPG040"); }
            }
        }

        // ---- render ----
        string attributeArguments = SizesExpression(c, sizes, sizesLiteral);
        if (named.Count > 0)
        {
            attributeArguments += (attributeArguments.Length > 0 ? ", " : string.Empty) + string.Join(", ", named);
        }

        string attribute = c.Chance(10) ? $"[global::Backprop.Generated.Network({attributeArguments})]" : $"[Network({attributeArguments})]";

        // syntax errors in and around the attribute, and binding errors the compiler reports
        bool extraPart = false;
        bool duplicateAttribute = false;
        string? brokenDeclaration = null;
        if (c.Chance(10))
        {
            int kind = c.Pick(16);
            compilerError = kind switch
            {
                0 => "missing )]",
                1 => "empty argument",
                2 => "missing named value",
                3 => "missing member name",
                4 => "unknown named argument",
                5 => "string size",
                6 => "double size",
                7 => "undefined identifier",
                8 => "constant overflow",
                9 => "missing type name",
                10 => "duplicate attribute",
                11 => "attribute on two parts",
                12 => "unclosed type body",
                13 => "attribute on record struct",
                14 => "duplicate modifier",
                _ => "empty base list",
            };
            switch (kind)
            {
                case 0: attribute = attribute.Substring(0, attribute.Length - 2); break;
                case 1: attribute = "[Network(3, , 1)]"; break;
                case 2: attribute = "[Network(3, 2, 1, Hidden = )]"; break;
                case 3: attribute = "[Network(3, 2, 1, Hidden = Activation.)]"; break;
                case 4: attribute = "[Network(3, 2, 1, Hiden = Activation.Tanh)]"; break;
                case 5: attribute = "[Network(\"3\", 2)]"; break;
                case 6: attribute = "[Network(3, 2.5)]"; break;
                case 7: attribute = "[Network(width, 2)]"; break;
                case 8: attribute = "[Network(int.MaxValue + 1, 2)]"; break;
                case 9: brokenDeclaration = "partial class "; break;
                case 10: duplicateAttribute = true; break;
                case 11: extraPart = true; break;
                case 12: brokenDeclaration = "unclosed"; break;
                case 13: brokenDeclaration = "record struct"; break;
                case 14: brokenDeclaration = "partial partial"; break;
                default: brokenDeclaration = "empty base"; break;
            }

            expected.Clear();
            declarationIds.Clear();
            later.Clear();
            twin = false;
        }

        // ---- the [Layer] form: the same network written layer by layer, sometimes broken ----
        string? layerSplit = null;
        bool layerForm = compilerError is null && expected.Count == 0 && layers is >= 1 and <= 8 && c.Chance(40);
        if (layerForm)
        {
            (attribute, layerSplit, string? layerId) = LayerChain(c, sizes!, activationValues, named, networkPartial && !networkFile && !twin, indent: "{INDENT}");
            if (layerId is not null)
            {
                expected.Add(layerId);
            }

            if (layerId == "BPG022")
            {
                // The first declaration reports its own problems and stops; the second reports only BPG022.
                later.Clear();
            }

            twin &= layerId is null;
        }

        // The twin shares the attribute but none of the declaration's own problems: keep the oracle simple.
        twin &= declarationIds.Count == 0 && !later.Overlaps(new[] { "BPG040", "BPG041", "BPG042" });
        expected.UnionWith(declarationIds);
        if (expected.Count == 0)
        {
            expected.UnionWith(later);
        }

        // BPG015 and BPG018 (warnings, errors under warnings-as-errors) come with the model, so only when nothing else is reported.
        bool model = expected.Count == 0 && sizes is not null && activationValues.Length == layers;
        if (model && Enumerable.Range(1, layers).Any(l => activationValues[l - 1] == 8 && sizes![l] == 1))
        {
            expected.Add("BPG015");
        }

        // A softmax output of two or more units with no Loss written trains with the default squared error.
        if (model && layers >= 1 && sizes!.Length > layers && activationValues[layers - 1] == 8 && sizes[layers] > 1 && !named.Any(n => n.StartsWith("Loss = ", StringComparison.Ordinal)))
        {
            expected.Add("BPG018");
        }

        var sb = new StringBuilder();
        sb.Append("using Backprop.Generated;\n\n");
        string indent = string.Empty;
        string nsName = $"Fuzz{index}";
        var closers = new Stack<string>();
        switch (namespaceMode)
        {
            case 1: sb.Append($"namespace {nsName}\n{{\n"); closers.Push("}\n"); indent = "    "; break;
            case 2: sb.Append($"namespace {nsName}.Scoped;\n\n"); nsName += ".Scoped"; break;
            case 3: sb.Append($"namespace {nsName}\n{{\n    namespace Inner.Most\n    {{\n"); closers.Push("}\n"); closers.Push("    }\n"); indent = "        "; nsName += ".Inner.Most"; break;
            case 4: sb.Append($"namespace {nsName}.@class\n{{\n"); closers.Push("}\n"); indent = "    "; nsName += ".class"; break;
            default: nsName = string.Empty; break;
        }

        if (baseClass is not null)
        {
            foreach (string line in baseClass.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                sb.Append(indent).Append(line).Append('\n');
            }
        }

        int declarationStart = sb.Length;
        var runtimeContainers = new List<string>();
        foreach (var container in containers)
        {
            string modifiers = (container.File ? "file " : string.Empty) + (container.Kind == ContainerKind.StaticClass ? "static " : string.Empty)
                + (container.Kind == ContainerKind.ReadonlyStruct ? "readonly " : string.Empty) + (container.Partial ? "partial " : string.Empty);
            string keyword = container.Kind switch
            {
                ContainerKind.Record => "record",
                ContainerKind.RecordClass => "record class",
                ContainerKind.Struct or ContainerKind.ReadonlyStruct => "struct",
                ContainerKind.RecordStruct => "record struct",
                ContainerKind.Interface => "interface",
                _ => "class",
            };
            string access = container.File ? string.Empty : "public ";
            sb.Append(indent).Append(access).Append(modifiers).Append(keyword).Append(' ').Append(container.Name)
                .Append(container.Arity == 1 ? $"<TOuter{runtimeContainers.Count}>" : string.Empty).Append('\n').Append(indent).Append("{\n");
            closers.Push(indent + "}\n");
            indent += "    ";
            runtimeContainers.Add(container.Name + (container.Arity == 1 ? "`1" : string.Empty));
        }

        string networkModifiers = (networkFile ? "file " : string.Empty) + (networkStatic ? "static " : string.Empty)
            + (networkKind == NetworkKind.SealedClass ? "sealed " : string.Empty) + (networkPartial ? "partial " : string.Empty);
        string networkKeyword = networkKind switch
        {
            NetworkKind.Record => "record",
            NetworkKind.PositionalRecord => "record class",
            _ => "class",
        };
        string access2 = networkFile ? string.Empty : containers.Count > 0 ? c.OneOf("public ", "internal ", "private ") : c.OneOf("public ", "internal ");
        if (containers.Count > 0 && containers[^1].Kind == ContainerKind.Interface && access2 == "private ")
        {
            access2 = "public ";
        }

        string baseList = baseName is null ? string.Empty : " : " + baseName;
        string body = members.Count == 0 ? " { }" : "\n" + indent + "{\n" + string.Concat(members.Select(m => indent + "    " + m + "\n")) + indent + "}";
        string header = $"{access2}{networkModifiers}{networkKeyword} {name}{typeParameters}{positional ?? string.Empty}{baseList}";
        string declaration;
        switch (brokenDeclaration)
        {
            case "partial class ": declaration = $"{attribute}\n{indent}public partial class {{ }}"; break;
            case "unclosed": declaration = $"{attribute}\n{indent}public partial class {name}\n{indent}{{\n{indent}    public int Value;"; break;
            case "record struct": declaration = $"{attribute}\n{indent}public partial record struct {name};"; break;
            case "partial partial": declaration = $"{attribute}\n{indent}public partial partial class {name} {{ }}"; break;
            case "empty base": declaration = $"{attribute}\n{indent}public partial class {name} : {{ }}"; break;
            default:
                attribute = attribute.Replace("{INDENT}", indent);
                declaration = (duplicateAttribute ? $"{attribute}\n{indent}[Network(2, 1)]" : attribute) + "\n" + indent + header + body;
                if (layerSplit is not null)
                {
                    declaration += $"\n\n{indent}{layerSplit.Replace("{INDENT}", indent)}\n{indent}partial {networkKeyword} {name}{typeParameters} {{ }}";
                }

                if (extraPart)
                {
                    declaration += $"\n\n{indent}[Network(2, 1)]\n{indent}partial {networkKeyword} {name}{typeParameters} {{ }}";
                }

                if (twin)
                {
                    declaration += $"\n\n{indent}{attribute}\n{indent}public partial {networkKeyword} NET{index}{typeParameters} {{ }}";
                }

                break;
        }

        sb.Append(indent).Append(declaration).Append('\n');
        int declarationEnd = sb.Length;
        while (closers.Count > 0)
        {
            sb.Append(closers.Pop());
        }

        declarationEnd = Math.Max(declarationEnd, sb.Length);

        string metadataName = (name.StartsWith('@') ? name.Substring(1) : name.Replace("\\u0061", "a")) + (arity > 0 ? "`" + arity : string.Empty);
        string prefix = (nsName.Length > 0 ? nsName + "." : string.Empty) + string.Concat(runtimeContainers.Select(r => r + "+"));
        var runtimeNames = new List<string> { prefix + metadataName };
        if (twin)
        {
            runtimeNames.Add(prefix + $"NET{index}" + (arity > 0 ? "`" + arity : string.Empty));
        }

        return new FuzzCase
        {
            Index = index,
            Path = $"Case{index}.cs",
            Source = sb.ToString(),
            DeclarationStart = declarationStart,
            DeclarationEnd = declarationEnd,
            ExpectedIds = expected,
            CompilerError = compilerError,
            RuntimeNames = networkFile ? new List<string>() : runtimeNames,
            Sizes = sizes ?? Array.Empty<int>(),
            Activations = activationValues,
            Double = isDouble,
            CompilerWarnings = sizesLiteral is null ? Array.Empty<string>() : new[] { "CS8625" },
        };
    }

    /// <summary>
    /// The network as a chain of [Layer] attributes (one line each, joined by "\n" + indent), with the
    /// activation written, omitted where it is the default, or given by name; Loss and Precision on one
    /// layer; and at most one injected mistake, whose expected ID is returned: a broken chain (BPG020), a
    /// non-positive size (BPG004), an undefined activation (BPG005), Loss or Precision on two layers
    /// (BPG023), [Network] next to [Layer] (BPG021), or the layers split over two partial declarations
    /// (BPG022; the second part is returned apart).
    /// </summary>
    private static (string Attributes, string? SecondPart, string? Id) LayerChain(Choices c, int[] sizes, int[] activations, List<string> named, bool canSplit, string indent)
    {
        int layers = sizes.Length - 1;
        var inputs = new string[layers];
        var outputs = new string[layers];
        var activation = new string?[layers];
        var options = new List<string>[layers];
        for (int l = 1; l <= layers; l++)
        {
            inputs[l - 1] = sizes[l - 1].ToString(System.Globalization.CultureInfo.InvariantCulture);
            outputs[l - 1] = sizes[l].ToString(System.Globalization.CultureInfo.InvariantCulture);
            int g = activations[l - 1];
            int defaultActivation = l == layers ? 0 : 2; // Identity last, Tanh hidden
            activation[l - 1] = g == defaultActivation && c.Chance(50) ? null : ActivationExpression(g);
            options[l - 1] = new List<string>();
        }

        foreach (string option in named.Where(n => n.StartsWith("Loss = ", StringComparison.Ordinal) || n.StartsWith("Precision = ", StringComparison.Ordinal)))
        {
            options[c.Pick(layers)].Add(option);
        }

        string? id = null;
        string? second = null;
        int mistake = c.Pick(100) switch
        {
            < 75 => -1,
            < 80 => 0,
            < 84 => 1,
            < 88 => 2,
            < 92 => 3,
            < 96 => 4,
            _ => 5,
        };
        switch (mistake)
        {
            case 0 when layers >= 2:
                int broken = 2 + c.Pick(layers - 1);
                // A different positive size: above the real one, or below it where adding would overflow int.
                int real = sizes[broken - 1];
                int wrong = real > int.MaxValue - 4 ? real - 1 - c.Pick(3) : real + 1 + c.Pick(3);
                inputs[broken - 1] = wrong.ToString(System.Globalization.CultureInfo.InvariantCulture);
                id = "BPG020";
                break;
            case 1:
                outputs[c.Pick(layers)] = c.OneOf("0", "-3");
                id = "BPG004";
                break;
            case 2:
                activation[c.Pick(layers)] = "(Activation)42";
                id = "BPG005";
                break;
            case 3 when layers >= 2:
                string option = c.OneOf("Loss = Loss.MeanSquaredError", "Precision = Precision.Single");
                string key = option.Substring(0, option.IndexOf(' ', StringComparison.Ordinal));
                int first = c.Pick(layers);
                int again = (first + 1 + c.Pick(layers - 1)) % layers;
                options[first].RemoveAll(o => o.StartsWith(key, StringComparison.Ordinal));
                options[again].RemoveAll(o => o.StartsWith(key, StringComparison.Ordinal));
                foreach (List<string> o in options)
                {
                    o.RemoveAll(x => x.StartsWith(key, StringComparison.Ordinal));
                }

                options[first].Add(option);
                options[again].Add(option);
                id = "BPG023";
                break;
            case 4:
                id = "BPG021";
                break;
        }

        var lines = new List<string>();
        for (int l = 1; l <= layers; l++)
        {
            var arguments = new List<string>();
            int style = c.Pick(10);
            if (style == 0)
            {
                // Named constructor arguments, in another order.
                arguments.Add($"outputs: {outputs[l - 1]}");
                arguments.Add($"inputs: {inputs[l - 1]}");
                if (activation[l - 1] is { } a) { arguments.Add($"activation: {a}"); }
            }
            else
            {
                arguments.Add(inputs[l - 1]);
                arguments.Add(outputs[l - 1]);
                if (activation[l - 1] is { } a) { arguments.Add(a); }
            }

            arguments.AddRange(options[l - 1]);
            lines.Add((c.Chance(10) ? "[global::Backprop.Generated.Layer(" : "[Layer(") + string.Join(", ", arguments) + ")]");
        }

        if (id == "BPG021")
        {
            lines.Insert(c.Pick(lines.Count + 1), "[Network(2, 1)]");
        }

        if (id is null && canSplit && layers >= 2 && c.Chance(12))
        {
            int keep = 1 + c.Pick(layers - 1);
            second = string.Join("\n" + indent, lines.Skip(keep));
            lines = lines.Take(keep).ToList();
            id = "BPG022";
        }

        return (string.Join("\n" + indent, lines), second, id);
    }

    private static int[] RandomSizes(Choices c, int minCount, int maxCount, int min, int max)
    {
        int count = minCount + c.Pick(maxCount - minCount + 1);
        var sizes = new int[count];
        for (int i = 0; i < count; i++)
        {
            sizes[i] = min + c.Pick(max - min + 1);
        }

        return sizes;
    }

    private static int ActivationValue(Choices c, ref bool undefined, int undefinedPercent = 6)
    {
        if (c.Chance(undefinedPercent))
        {
            undefined = true;
            return c.OneOf(9, 42, -1, int.MaxValue);
        }

        return c.Pick(9);
    }

    private static readonly string[] ActivationNames = { "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "SiLU", "Softplus", "Softmax" };

    private static string ActivationExpression(int value) => EnumExpression("Activation", value, ActivationNames);

    private static string EnumExpression(string type, int value, params string[] names) =>
        value >= 0 && value < names.Length ? $"{type}.{names[value]}" : value < 0 ? $"({type})({value})" : $"({type}){value}";

    private static string ArrayExpression(Choices c, string elementType, string[] elements) => c.Pick(3) switch
    {
        0 => elements.Length == 0 ? $"new {elementType}[0]" : $"new[] {{ {string.Join(", ", elements)} }}",
        1 => $"new {elementType}[] {{ {string.Join(", ", elements)} }}",
        _ => $"[{string.Join(", ", elements)}]",
    };

    private static string SizesExpression(Choices c, int[]? sizes, string? literal)
    {
        if (sizes is null)
        {
            return literal!;
        }

        string[] items = sizes.Select(s => s == int.MinValue ? "int.MinValue" : s == int.MaxValue ? "int.MaxValue" : s.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return c.Pick(5) switch
        {
            0 or 1 => string.Join(", ", items),
            2 => ArrayExpression(c, "int", items),
            3 => "new int[] { " + string.Join(", ", items) + " }",
            _ => "layerSizes: " + (items.Length == 0 ? "new int[0]" : "new[] { " + string.Join(", ", items) + " }"),
        };
    }

    private static bool IsGeneratedName(string name, int layers) =>
        name is "InputSize" or "OutputSize" or "LayerCount" or "ParameterCount" or "_parameters" or "Parameters" or "Input" or "Output"
            or "Forward" or "ForwardBatch" or "ForwardCore" or "LayerSizes" or "_gradients"
            or "ComputeGradients" or "AccumulateExample" or "TrainStep" or "InitializeParameters" or "_trainingScratch" or "TrainingLanesLength"
            or "GradientSumsLength" or "MaxDegreeOfParallelism" or "_maxDegreeOfParallelism" or "RowChunks" or "ForwardRows" or "GradientRows"
        || ((name.StartsWith('W') || name.StartsWith('b')) && int.TryParse(name.AsSpan(1), out int l) && l >= 1 && l <= layers && !name.Substring(1).StartsWith('0'));

    /// <summary>The declared name in a member's text: the identifier before its parameter list, body or initializer.</summary>
    private static string MemberName(string text)
    {
        int end = text.IndexOfAny(new[] { '(', ';', '=', '{' });
        string head = text.Substring(0, end).TrimEnd();
        return head.Substring(head.LastIndexOf(' ') + 1);
    }

    private static (string Text, bool Collides) Member(Choices c, int layers, string element, string other, NetworkKind kind)
    {
        int layer = 1 + c.Pick(Math.Max(layers, 1));
        string mutable = kind is NetworkKind.Record or NetworkKind.PositionalRecord ? "public int {0} {{ get; init; }}" : "public int {0} = 1;";
        return c.Pick(32) switch
        {
            26 => ($"public void TrainStep(global::System.ReadOnlySpan<{element}> x, global::System.ReadOnlySpan<{element}> y, global::Backprop.Generated.IOptimizer o) {{ }}", true),
            27 => ("public void InitializeParameters(int seed) { }", true),
            28 => ("public static int LayerSizes = 0;", true),
            29 => ($"public {element} ComputeGradients(global::System.ReadOnlySpan<{element}> x, global::System.ReadOnlySpan<{element}> y, global::System.Span<{element}> g) => 0;", true),
            30 => ("public void InitializeParameters(long seed) { }", false),
            31 => ($"public void TrainStep(global::System.ReadOnlySpan<{element}> x, global::System.ReadOnlySpan<{element}> y) {{ }}", false),
            0 => ("public int InputSize = 1;", true),
            1 => ("public const int OutputSize = 1;", true),
            2 => ("public static int LayerCount => 0;", true),
            3 => ("public int ParameterCount { get; set; }", true),
            4 => ("public float[] _parameters = new float[0];", true),
            5 => ("public int Parameters() => 0;", true),
            6 => ("public class Input { }", true),
            7 => ("public struct Output { }", true),
            8 => ("public event global::System.Action? Output { add { } remove { } }", true),
            9 => ("public int Forward => 0;", true),
            10 => ($"public void ForwardCore(global::System.ReadOnlySpan<{element}> a, global::System.Span<{element}> b) {{ }}", true),
            11 => ($"public void Forward(global::System.ReadOnlySpan<{element}> x, global::System.Span<{element}> y) {{ }}", true),
            12 => ($"public void ForwardBatch(global::System.ReadOnlySpan<{element}> x, global::System.Span<{element}> y) {{ }}", true),
            13 => (string.Format(System.Globalization.CultureInfo.InvariantCulture, mutable, "W" + layer), layers >= 1),
            14 => ($"public int b{layer}() => 0;", layers >= 1),
            15 => ("public int get_Parameters() => 0;", true),
            16 => ("public delegate void ForwardBatch();", true),
            // look-alikes that must NOT be reported
            17 => ("public void Forward(float[] x) { }", false),
            18 => ($"public void Forward(global::System.ReadOnlySpan<{other}> x, global::System.Span<{other}> y) {{ }}", false),
            19 => (string.Format(System.Globalization.CultureInfo.InvariantCulture, mutable, "W0"), false),
            20 => (string.Format(System.Globalization.CultureInfo.InvariantCulture, mutable, "W" + (layers + 1)), false),
            21 => (string.Format(System.Globalization.CultureInfo.InvariantCulture, mutable, "B1"), false),
            22 => ("public int InputSizes => 1;", false),
            23 => ("public int get_Parameters(int x) => x;", false),
            24 => ("public static int Train() => 1;", false),
            _ => ("public void ForwardBatch(int rows) { }", false),
        };
    }
}
