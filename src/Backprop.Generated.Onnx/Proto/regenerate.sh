#!/usr/bin/env bash
# Regenerates Onnx.g.cs from onnx.proto with protoc from the Google.Protobuf.Tools NuGet package, at the version of the
# Google.Protobuf runtime in Directory.Packages.props (the generated code and the runtime must match).
#   onnx.proto: onnx/onnx.proto of https://github.com/onnx/onnx at tag v1.12.0 (commit f7ee1ac60d06abe8e26c9b6bbe1e3db5286b614b),
#   unmodified; Apache License 2.0 (LICENSE in this folder, from the same tag). Identical to the onnx.proto that Debian's
#   python3-onnx 1.12.0 installs, whose onnx.checker validates the exported models (tests/.../check_models.py).
# Usage: src/Backprop.Generated.Onnx/Proto/regenerate.sh   (needs the dotnet SDK and the NuGet registry)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version=3.36.2
tools="${NUGET_PACKAGES:-$HOME/.nuget/packages}/google.protobuf.tools/$version/tools"
if [ ! -x "$tools/linux_x64/protoc" ]; then
  scratch="$(mktemp -d)"
  cat > "$scratch/restore.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup><PackageReference Include="Google.Protobuf.Tools" Version="$version" /></ItemGroup>
</Project>
PROJ
  dotnet restore "$scratch/restore.csproj"
  rm -rf "$scratch"
  chmod +x "$tools/linux_x64/protoc"
fi
# internal_access: the ONNX message classes stay internal; the package's public surface is OnnxExport only.
"$tools/linux_x64/protoc" --proto_path="$here" --csharp_out="$here" --csharp_opt=internal_access,file_extension=.g.cs onnx.proto
