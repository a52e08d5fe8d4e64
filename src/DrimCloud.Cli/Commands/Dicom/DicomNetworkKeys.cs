using System.Globalization;
using DrimCloud.Dicom;
using DrimCloud.Dicom.Network;

namespace DrimCloud.Cli.Commands.Dicom;

/// <summary>
/// Query keys given as <c>-k Keyword=Value</c>, <c>-k (0010,0010)=Value</c> or <c>-k Keyword</c> (a return key,
/// matched universally), as DCMTK's findscu takes them. The VR comes from the data dictionary.
/// </summary>
internal static class DicomNetworkKeys
{
    public static DicomDataset BuildIdentifier(string level, IEnumerable<string> keys)
    {
        var identifier = new DicomDataset();
        var keyList = keys.ToList();
        // Non-ASCII values (names with accents) need a character set; UTF-8 covers every script.
        if (keyList.Any(k => k.Any(c => c > 127)))
            identifier.SetString(DicomTag.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192");
        identifier.SetString(DicomTags.QueryRetrieveLevel, DicomVR.CS, level.ToUpperInvariant());
        foreach (var key in keyList)
        {
            var equals = key.IndexOf('=', StringComparison.Ordinal);
            var name = (equals < 0 ? key : key[..equals]).Trim();
            var value = equals < 0 ? "" : key[(equals + 1)..];
            var tag = ParseTag(name);
            var vr = DicomDictionary.GetVR(tag);
            if (vr == DicomVR.SQ)
                identifier.SetSequence(tag);
            else
                identifier.SetString(tag, vr, value);
        }
        return identifier;
    }

    public static DicomTag ParseTag(string name)
    {
        if (DicomDictionary.TryGetTag(name, out var byKeyword))
            return byKeyword;
        var hex = name.Trim('(', ')').Replace(",", "", StringComparison.Ordinal);
        if (hex.Length == 8 && uint.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
            return new DicomTag(value);
        throw new ArgumentException($"Unknown attribute '{name}' (use a keyword such as PatientName or a tag such as 0010,0010).");
    }

    /// <summary>The information model for <c>--model</c>.</summary>
    public static QueryRetrieveLevel.Model ParseModel(string model) => model.ToLowerInvariant() switch
    {
        "study" => QueryRetrieveLevel.Model.StudyRoot,
        "patient" => QueryRetrieveLevel.Model.PatientRoot,
        _ => throw new ArgumentException($"Unknown model '{model}' (study or patient)."),
    };
}
