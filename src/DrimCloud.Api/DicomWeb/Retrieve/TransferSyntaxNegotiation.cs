using DrimCloud.Api.DicomWeb.Common;
using DrimCloud.Dicom;

namespace DrimCloud.Api.DicomWeb.Retrieve;

/// <summary>
/// Chooses the transfer syntax of retrieved instances from the Accept header (PS3.18 §8.7.3): as stored
/// (<c>transfer-syntax=*</c>), or a requested one we can produce (the stored one, or Explicit VR Little Endian from any
/// uncompressed syntax). Without a transfer-syntax parameter the standard's default, Explicit VR Little Endian,
/// applies; a bare <c>*/*</c> (curl, browsers) gets the instances as stored.
/// </summary>
public static class TransferSyntaxNegotiation
{
    public const string AsStored = "*";

    /// <summary>The chosen target ("*" for as stored), or null when nothing acceptable can be produced (406).</summary>
    public static string? ChooseForInstances(IReadOnlyList<AcceptedMediaType> accept, IReadOnlyCollection<string> storedSyntaxes)
    {
        foreach (var range in accept)
        {
            if (range.IsAny) return AsStored;
            var multipartDicom = range.Is(DicomWebMediaTypes.MultipartRelated)
                && (range.Type is null || string.Equals(range.Type, DicomWebMediaTypes.Dicom, StringComparison.OrdinalIgnoreCase));
            if (!multipartDicom && !range.Is("multipart/*")) continue;
            var wanted = range.TransferSyntax ?? DicomTransferSyntax.ExplicitVRLittleEndian.Uid;
            if (wanted == AsStored) return AsStored;
            if (storedSyntaxes.All(stored => CanProduce(stored, wanted))) return wanted;
        }
        return null;
    }

    /// <summary>Whether an instance stored in <paramref name="stored"/> can be sent in <paramref name="wanted"/>.</summary>
    public static bool CanProduce(string stored, string wanted)
    {
        if (stored == wanted) return true;
        if (wanted != DicomTransferSyntax.ExplicitVRLittleEndian.Uid) return false;
        var syntax = DicomTransferSyntax.FromUid(stored);
        return syntax.IsKnown && !syntax.IsEncapsulated;
    }
}
