using DrimCloud.Dicom;

namespace DrimCloud.Cli.Commands.Dicom;

/// <summary>What <c>drimcloud dicom validate</c> checks beyond parsing: every UI value is a well-formed UID.</summary>
internal static class DicomFileValidation
{
    public static void Check(DicomFile file)
    {
        CheckUids(file.Meta);
        CheckUids(file.Dataset);
    }

    private static void CheckUids(DicomDataset dataset)
    {
        foreach (var element in dataset)
        {
            if (element.Items is { } items)
            {
                foreach (var item in items)
                {
                    CheckUids(item);
                }
            }
            else if (element.VR == DicomVR.UI && element.IsInMemory)
            {
                foreach (var uid in element.GetStrings())
                {
                    if (uid.Length > 0 && DicomUid.Validate(uid) is { } problem)
                    {
                        throw new DicomFormatException(element.StreamOffset, $"{element.Tag} {DicomDictionary.GetKeyword(element.Tag)}: '{uid}': {problem}");
                    }
                }
            }
        }
    }
}
