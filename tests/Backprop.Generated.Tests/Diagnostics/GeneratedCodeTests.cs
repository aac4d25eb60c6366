using System;
using System.Linq;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Backprop.Generated.Tests.Diagnostics;

/// <summary>
/// Networks in code that Roslyn treats as generated: a type the user marks <c>[GeneratedCode]</c> (as template tools
/// do), and a file whose leading comment contains <c>&lt;auto-generated</c> (T4 output). docs/diagnostics.md says what
/// each analyzer does there.
/// </summary>
public class GeneratedCodeTests
{
    private const string Usings = "using System;\nusing Backprop.Generated;\n";

    [Fact]
    public void A_user_GeneratedCode_attribute_on_the_network_type_is_no_CS0579()
    {
        GeneratorRun run = DiagnosticVerifier.VerifySilent(Usings + """
            [System.CodeDom.Compiler.GeneratedCode("MyTool", "1.0")]
            [Network(3, 2, 1)]
            public partial class Net { }
            """);
        Assert.Empty(run.AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void The_generated_type_declaration_carries_no_GeneratedCode_and_every_generated_member_does()
    {
        string generated = GeneratorHarness.GenerateSingle(Usings + "[Network(3, 2, 1)]\npublic partial class Net { }");
        SyntaxNode root = CSharpSyntaxTree.ParseText(generated).GetRoot();
        ClassDeclarationSyntax type = root.DescendantNodes().OfType<ClassDeclarationSyntax>().Single(c => c.Identifier.Text == "Net");
        Assert.DoesNotContain(type.AttributeLists.SelectMany(l => l.Attributes), a => a.Name.ToString().Contains("GeneratedCode", StringComparison.Ordinal));
        foreach (MemberDeclarationSyntax member in type.Members)
        {
            Assert.True(
                member.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() == "global::System.CodeDom.Compiler.GeneratedCode"),
                "no [GeneratedCode] on " + member.ToString().Split('\n').First(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal) && !l.TrimStart().StartsWith('[')));
        }
    }
}
