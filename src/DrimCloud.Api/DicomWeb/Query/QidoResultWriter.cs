using System.Text.Json;
using DrimCloud.Dicom;

namespace DrimCloud.Api.DicomWeb.Query;

/// <summary>
/// Writes matches as DICOM JSON objects, one per result, following a <see cref="ReturnPlan"/>: the target level
/// first (its Retrieve URL included), then the levels above it; a series always names its study and an instance its
/// study and series, as C-FIND answers carry the unique keys of the levels above.
/// </summary>
public sealed class QidoResultWriter(Utf8JsonWriter writer, ReturnPlan plan, string dicomWebBase)
{
    private readonly ResultDataset _dataset = new();

    public void Write(StudyRow study)
    {
        _dataset.Clear();
        _dataset.AddText(DicomTags.RetrieveURL, "UR", $"{dicomWebBase}/studies/{study.StudyInstanceUid}");
        AddStudy(study);
        _dataset.WriteTo(writer, dicomWebBase);
    }

    public void Write(SeriesRow series)
    {
        _dataset.Clear();
        _dataset.AddText(DicomTags.RetrieveURL, "UR", $"{dicomWebBase}/studies/{series.Study.StudyInstanceUid}/series/{series.SeriesInstanceUid}");
        AddSeries(series);
        AddStudy(series.Study);
        _dataset.WriteTo(writer, dicomWebBase);
    }

    public void Write(InstanceRow instance)
    {
        _dataset.Clear();
        var series = instance.Series;
        _dataset.AddText(DicomTags.RetrieveURL, "UR",
            $"{dicomWebBase}/studies/{series.Study.StudyInstanceUid}/series/{series.SeriesInstanceUid}/instances/{instance.SopInstanceUid}");
        Add(QueryLevel.Instance, ResultColumns.Instance, instance, required: true, instance.Metadata);
        AddSeries(series);
        AddStudy(series.Study);
        _dataset.WriteTo(writer, dicomWebBase);
    }

    private void AddStudy(StudyRow study)
    {
        _dataset.AddText(DicomTags.StudyInstanceUID, "UI", study.StudyInstanceUid);
        Add(QueryLevel.Study, ResultColumns.Study, study, plan.StudyRequired, study.Attributes);
    }

    private void AddSeries(SeriesRow series)
    {
        if (plan.Target < QueryLevel.Series) return;
        _dataset.AddText(DicomTags.SeriesInstanceUID, "UI", series.SeriesInstanceUid);
        Add(QueryLevel.Series, ResultColumns.Series, series, plan.SeriesRequired, series.Attributes);
    }

    private void Add<TRow>(QueryLevel level, IReadOnlyList<ResultColumn<TRow>> columns, TRow row, bool required, JsonElement? stored)
    {
        var requested = plan.Requested(level);
        var all = plan.All && level == plan.Target;
        foreach (var column in columns)
        {
            var asked = all || requested.Contains(column.Tag);
            if (!asked && !(required && column.Type != ReturnType.OnRequest)) continue;
            if (column.Number is { } number)
            {
                var value = number(row);
                if (value is not null || asked || column.Type == ReturnType.Required) _dataset.AddNumber(column.Tag, column.VR, value);
            }
            else
            {
                var value = column.Text!(row);
                if (value is not null || asked || column.Type == ReturnType.Required) _dataset.AddText(column.Tag, column.VR, value);
            }
        }
        if (stored is { ValueKind: JsonValueKind.Object } attributes)
        {
            foreach (var property in attributes.EnumerateObject())
            {
                if (!DicomTag.TryParse(property.Name, out var tag) || tag == DicomTag.SpecificCharacterSet) continue; // JSON text is Unicode
                var wanted = requested.Contains(tag) || (all && AttributeLevels.Of(tag) == level);
                if (wanted) _dataset.AddStored(tag, property.Value);
            }
        }
        // A requested attribute the stored objects do not hold is returned empty, as a C-FIND return key would be.
        foreach (var tag in requested)
        {
            if (!_dataset.Contains(tag)) _dataset.AddText(tag, DicomDictionary.GetVR(tag).ToString(), null);
        }
    }
}
