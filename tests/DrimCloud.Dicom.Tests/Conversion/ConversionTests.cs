using System.Text.Json;
using DrimCloud.Dicom.Tests.Infrastructure;
using DrimCloud.Dicom.Tests.RoundTrip;

namespace DrimCloud.Dicom.Tests.Conversion;

/// <summary>
/// Every uncompressed sample converted by us to a target transfer syntax, then read back by DCMTK (dcm2json):
/// DCMTK must see the same attributes and values as we read from the original. One class per target so that
/// xunit runs the four targets in parallel.
/// </summary>
public abstract class ConversionTests(DicomTransferSyntax target)
{
    public static TheoryData<string> Files() => Samples.AllFiles();

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void Converted_file_reads_back_equal_in_DCMTK(string relativePath)
    {
        Samples.RequireRoot();
        var path = Samples.PathOf(relativePath);
        if (!Dcmtk.Dump(path).Reads)
        {
            return;
        }

        using var original = DicomFile.Open(path);
        if (original.TransferSyntax.IsEncapsulated)
        {
            Assert.Throws<NotSupportedException>(() => RoundTripTests.Write(original, new DicomWriteOptions { TransferSyntax = target }));
            return;
        }

        var output = Path.Combine(Path.GetTempPath(), $"drimcloud-convert-{Guid.NewGuid():N}.dcm");
        try
        {
            DicomWriter.Save(original, output, new DicomWriteOptions { TransferSyntax = target, FileFormat = DicomFileFormat.Part10 });
            var (reference, why) = Dcmtk.ToJson(output);
            if (reference is null)
            {
                // Only the character sets DCMTK's iconv lacks (compared with pydicom elsewhere).
                Assert.Contains("character", why, StringComparison.OrdinalIgnoreCase);
                return;
            }

            var ours = JsonDocument.Parse(DicomJsonWriter.Serialize(original.Dataset)).RootElement;
            var differences = JsonComparer.Compare(reference.Root, ours, tolerancePrivateVR: !target.IsExplicitVR);
            Assert.True(differences.Count == 0, $"{relativePath} as {target.Name}:\n" + string.Join('\n', differences));

            using var reread = DicomFile.Open(output);
            Assert.Equal(target.Uid, reread.TransferSyntax.Uid);
            Assert.Equal(target.Uid, reread.Meta.GetUid(DicomTag.TransferSyntaxUid));
        }
        finally
        {
            File.Delete(output);
        }
    }
}

public sealed class ConversionToImplicitLittleEndianTests() : ConversionTests(DicomTransferSyntax.ImplicitVRLittleEndian);

public sealed class ConversionToExplicitLittleEndianTests() : ConversionTests(DicomTransferSyntax.ExplicitVRLittleEndian);

public sealed class ConversionToExplicitBigEndianTests() : ConversionTests(DicomTransferSyntax.ExplicitVRBigEndian);

public sealed class ConversionToDeflatedTests() : ConversionTests(DicomTransferSyntax.DeflatedExplicitVRLittleEndian);
