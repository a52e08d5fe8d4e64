using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;

namespace DrimCloud.Dicom;

/// <summary>UID rules (PS3.5 §9.1): validation and generation under an organisation root or the UUID-derived "2.25." root.</summary>
public static class DicomUid
{
    /// <summary>Our implementation class UID, under 2.25 (derived from a fixed UUID, so it never changes).</summary>
    public const string ImplementationClassUid = "2.25.141823655416063519263232961853442396421";

    public const string ImplementationVersionName = "DRIMCLOUD_010";

    public const int MaxLength = 64;

    /// <summary>True if <paramref name="uid"/> is a valid UID: 1–64 characters, digits and dots, components not empty and without leading zeros.</summary>
    public static bool IsValid(ReadOnlySpan<char> uid) => Validate(uid) is null;

    /// <summary>Null when valid, otherwise why not (for error messages).</summary>
    public static string? Validate(ReadOnlySpan<char> uid)
    {
        if (uid.IsEmpty)
        {
            return "empty UID";
        }

        if (uid.Length > MaxLength)
        {
            return $"UID longer than {MaxLength} characters ({uid.Length})";
        }

        var componentStart = 0;
        for (var i = 0; i <= uid.Length; i++)
        {
            if (i == uid.Length || uid[i] == '.')
            {
                var length = i - componentStart;
                if (length == 0)
                {
                    return "UID has an empty component";
                }

                if (length > 1 && uid[componentStart] == '0')
                {
                    return "UID component has a leading zero";
                }

                componentStart = i + 1;
            }
            else if (!char.IsAsciiDigit(uid[i]))
            {
                return $"UID contains '{uid[i]}' (only digits and dots are allowed)";
            }
        }

        return null;
    }

    /// <summary>A new UID "2.25.&lt;random 128-bit UUID as a decimal integer&gt;" (PS3.5 §B.2), at most 44 characters.</summary>
    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        // Make it a version 4 UUID, as §B.2 derives the UID from a UUID.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        return "2.25." + value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A new UID under an organisation root: root + "." + a random decimal suffix filling up to 64 characters
    /// (at least 20 digits of randomness are required, so the root may be at most 43 characters).</summary>
    public static string Generate(string root)
    {
        if (Validate(root) is { } problem)
        {
            throw new ArgumentException($"Invalid UID root '{root}': {problem}.", nameof(root));
        }

        var room = MaxLength - root.Length - 1;
        if (room < 20)
        {
            throw new ArgumentException($"UID root '{root}' is too long to leave 20 digits of randomness.", nameof(root));
        }

        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        var digits = new BigInteger(bytes, isUnsigned: true).ToString(CultureInfo.InvariantCulture);
        if (digits.Length > room)
        {
            digits = digits[..room];
        }

        digits = digits.TrimStart('0');
        return root + "." + (digits.Length == 0 ? "1" : digits);
    }
}
