using System.Text.Json;
using System.Text.Json.Serialization;

namespace DrimCloud.Forwarder.Status;

internal static class StatusJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
