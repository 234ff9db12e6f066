using Grpc.Core;
using Kubiya.Server.Engine;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;

namespace Kubiya.Server.Visibility;

/// <summary>
/// Checks search attributes given at start, by upsert, for a child or on continue-as-new:
/// every name must be registered in the namespace and every value must be valid for its
/// registered type. Valid payloads get the registered type stamped into their metadata, so
/// every reader (list, describe, the workflow itself) can decode them.
/// </summary>
public sealed class SearchAttributeValidator
{
    private readonly SearchAttributeRegistry registry;

    public SearchAttributeValidator(SearchAttributeRegistry registry) => this.registry = registry;

    /// <summary>Validates and normalizes; throws InvalidArgument naming the attribute at fault.</summary>
    public void Validate(string ns, SearchAttributes? attributes)
    {
        if (attributes == null || attributes.IndexedFields.Count == 0) return;
        var total = 0;
        foreach (var (name, payload) in attributes.IndexedFields)
        {
            if (SystemAttributes.Columns.ContainsKey(name))
                throw ServerErrors.InvalidArgument($"Search attribute {name} is a system attribute and cannot be set by a workflow or client.");
            var type = registry.FindIndexed(ns, name) ?? throw ServerErrors.InvalidArgument(
                $"Search attribute {name} is not registered in namespace {ns}" +
                (registry.SuggestName(ns, name) is { } s ? $" (did you mean {s}?)." : "; register it with OperatorService AddSearchAttributes first."));
            if (SearchAttributeValues.IsUnset(payload)) continue;
            var size = payload.CalculateSize();
            if (size > SearchAttributeValues.MaxValueBytes)
                throw ServerErrors.InvalidArgument($"Search attribute {name} is {size} bytes; the limit for one value is {SearchAttributeValues.MaxValueBytes} bytes.");
            total += size;
            if (payload.Metadata.TryGetValue("type", out var declared) && declared.ToStringUtf8() is { Length: > 0 } declaredName
                && Enum.TryParse<IndexedValueType>(declaredName, true, out var declaredType) && declaredType != type)
                throw ServerErrors.InvalidArgument(
                    $"Search attribute {name} is registered as {SearchAttributeValues.TypeName(type)} but the value is typed {declaredName}.");
            try { SearchAttributeValues.Decode(payload, type); }
            catch (FormatException ex)
            {
                throw ServerErrors.InvalidArgument($"Invalid value for search attribute {name} of type {SearchAttributeValues.TypeName(type)}: {ex.Message}.");
            }
            SearchAttributeValues.Normalize(payload, type);
        }
        if (total > SearchAttributeValues.MaxTotalBytes)
            throw ServerErrors.InvalidArgument($"Search attributes total {total} bytes; the limit is {SearchAttributeValues.MaxTotalBytes} bytes.");
    }
}
