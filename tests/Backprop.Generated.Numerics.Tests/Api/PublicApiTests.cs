using ApprovalTests;
using ApprovalTests.Namers;
using ApprovalTests.Reporters;
using PublicApiGenerator;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Api;

/// <summary>
/// The runtime library's public API (net8.0 build), listed by PublicApiGenerator and held in an approved snapshot,
/// so every change to the surface users see is a reviewed change (docs/api.md explains the namespaces).
/// </summary>
[UseReporter(typeof(QuietReporter))]
[UseApprovalSubdirectory("../Snapshots")]
public class PublicApiTests
{
    [Fact]
    public void Runtime_public_api_is_the_approved_one()
    {
        string api = typeof(NetworkAttribute).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            // The assembly attributes hold build-dependent values (target framework, internals visibility).
            ExcludeAttributes = new[]
            {
                "System.Runtime.Versioning.TargetFrameworkAttribute",
                "System.Runtime.CompilerServices.InternalsVisibleToAttribute",
                "System.Reflection.AssemblyMetadataAttribute",
            },
        });
        Approvals.Verify(api);
    }
}
