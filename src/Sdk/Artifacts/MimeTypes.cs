namespace Sharptune.Artifacts;

/// <summary>
/// Guesses a MIME type and content encoding from a file name the way Python's <c>mimetypes.guess_type</c> does
/// with its built-in table (compression suffixes give the encoding, the extension before them the type).
/// </summary>
internal static class MimeTypes
{
    private static readonly Dictionary<string, string> Encodings = new(StringComparer.Ordinal)
    {
        [".gz"] = "gzip",
        [".Z"] = "compress",
        [".bz2"] = "bzip2",
        [".xz"] = "xz",
        [".br"] = "br",
    };

    // Short forms of compressed archives, replaced by their long form before the lookup.
    private static readonly Dictionary<string, string> Suffixes = new(StringComparer.Ordinal)
    {
        [".svgz"] = ".svg.gz",
        [".tgz"] = ".tar.gz",
        [".taz"] = ".tar.gz",
        [".tz"] = ".tar.gz",
        [".tbz2"] = ".tar.bz2",
        [".txz"] = ".tar.xz",
    };

    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        [".avi"] = "video/x-msvideo",
        [".bin"] = "application/octet-stream",
        [".bmp"] = "image/bmp",
        [".c"] = "text/x-csrc",
        [".css"] = "text/css",
        [".csv"] = "text/csv",
        [".gif"] = "image/gif",
        [".h5"] = "application/x-hdf5",
        [".htm"] = "text/html",
        [".html"] = "text/html",
        [".ico"] = "image/vnd.microsoft.icon",
        [".jpeg"] = "image/jpeg",
        [".jpg"] = "image/jpeg",
        [".js"] = "text/javascript",
        [".json"] = "application/json",
        [".md"] = "text/markdown",
        [".mp3"] = "audio/mpeg",
        [".mp4"] = "video/mp4",
        [".mpeg"] = "video/mpeg",
        [".pdf"] = "application/pdf",
        [".png"] = "image/png",
        [".py"] = "text/x-python",
        [".sh"] = "text/x-sh",
        [".svg"] = "image/svg+xml",
        [".tar"] = "application/x-tar",
        [".tif"] = "image/tiff",
        [".tiff"] = "image/tiff",
        [".tsv"] = "text/tab-separated-values",
        [".txt"] = "text/plain",
        [".wasm"] = "application/wasm",
        [".wav"] = "audio/x-wav",
        [".webp"] = "image/webp",
        [".xml"] = "application/xml",
        [".zip"] = "application/zip",
    };

    /// <summary>Guesses the type and encoding of a file name; either may be <see langword="null"/>.</summary>
    /// <param name="fileName">The file name.</param>
    /// <returns>The MIME type and the encoding.</returns>
    public static (string? MimeType, string? Encoding) Guess(string fileName)
    {
        string name = fileName;
        string ext = Path.GetExtension(name);
        while (Suffixes.TryGetValue(ext, out string? longForm) || Suffixes.TryGetValue(ext.ToLowerInvariant(), out longForm))
        {
            name = name[..^ext.Length] + longForm;
            ext = Path.GetExtension(name);
        }

        string? encoding = null;
        if (Encodings.TryGetValue(ext, out string? enc) || Encodings.TryGetValue(ext.ToLowerInvariant(), out enc))
        {
            encoding = enc;
            name = name[..^ext.Length];
            ext = Path.GetExtension(name);
        }

        if (ext.Length > 1 && (Types.TryGetValue(ext, out string? type) || Types.TryGetValue(ext.ToLowerInvariant(), out type)))
        {
            return (type, encoding);
        }

        return (null, encoding);
    }
}
