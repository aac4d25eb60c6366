using System;
using System.IO;

namespace Backprop.Generated.Serialization;

/// <summary>
/// Writes a whole file so that a reader never sees a half-written one: the bytes go to a temporary file in the same
/// folder, are flushed to disk, and the temporary file then replaces <c>path</c> in one rename. On any failure the
/// temporary file is removed and <c>path</c> is left as it was. Linked into the runtime (safetensors) and the ONNX
/// package (models); not into the generator, which does no file I/O.
/// </summary>
internal static class AtomicFile
{
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> names no file.</exception>
    /// <exception cref="IOException">The folder does not exist or the file cannot be written or replaced.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or folder is not writable.</exception>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        string temporary = Path.Combine(folder, "." + Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        bool renamed = false;
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }

#if NET8_0_OR_GREATER
            File.Move(temporary, fullPath, overwrite: true);
#else
            if (File.Exists(fullPath))
            {
                File.Replace(temporary, fullPath, destinationBackupFileName: null);
            }
            else
            {
                File.Move(temporary, fullPath);
            }
#endif
            renamed = true;
        }
        finally
        {
            if (!renamed)
            {
                TryDelete(temporary);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The write already failed; its exception is the one to report.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
