namespace DrimCloud.Storage;

/// <summary>Naming rules shared by every implementation, so a key valid on one store is valid on all.</summary>
public static class BlobNames
{
    /// <summary>Derived documents (rebuilt from the index on demand) live under this prefix, apart from instances.</summary>
    public const string DerivedPrefix = "metadata-cache/";

    /// <summary>The container of a tenant: <c>tenant-{id:N}</c> (valid for Azure: lower-case, 3 to 63 characters).</summary>
    public static string ContainerFor(Guid tenantId) => $"tenant-{tenantId:N}";

    public static void ValidateContainer(string container)
    {
        var ok = container is { Length: >= 3 and <= 63 }
            && (char.IsAsciiLetterLower(container[0]) || char.IsAsciiDigit(container[0]))
            && container[^1] != '-'
            && !container.Contains("--", StringComparison.Ordinal)
            && container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
        if (!ok) throw new ArgumentException($"Invalid container name '{container}': 3-63 lower-case letters, digits and single hyphens.", nameof(container));
    }

    /// <summary>
    /// Keys are '/'-separated segments of letters, digits, '.', '-' and '_' (what DICOM UIDs and our own names use),
    /// at most 1,024 characters; no empty, '.' or '..' segment, so a key can never escape its container.
    /// </summary>
    public static void ValidateKey(string key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 1024)
            throw new ArgumentException("A blob key must have 1 to 1024 characters.", nameof(key));
        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or "..")
                throw new ArgumentException($"Invalid blob key '{key}': empty, '.' or '..' segment.", nameof(key));
            foreach (var c in segment)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
                    throw new ArgumentException($"Invalid blob key '{key}': character '{c}' is not allowed.", nameof(key));
            }
        }
    }

    public static void ValidatePrefix(string prefix)
    {
        foreach (var c in prefix)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/'))
                throw new ArgumentException($"Invalid blob prefix '{prefix}'.", nameof(prefix));
        }
        if (prefix.Contains("..", StringComparison.Ordinal))
            throw new ArgumentException($"Invalid blob prefix '{prefix}'.", nameof(prefix));
    }
}
