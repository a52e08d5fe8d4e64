namespace DrimCloud.Data;

/// <summary>Raised when a unit of work tries to write a row that belongs to another tenant than its own.</summary>
public sealed class CrossTenantWriteException(string entity, Guid rowTenant, Guid? contextTenant)
    : InvalidOperationException($"Refused to write {entity} of tenant {rowTenant} from a unit of work scoped to tenant {contextTenant?.ToString() ?? "(none)"}.");
