using System.Reflection;
using System.Runtime.CompilerServices;

namespace Kubiya.StartupProfile;

/// <summary>
/// The boxes the runtime allocates for async methods that suspend: <c>AsyncStateMachineBox&lt;TResult, TStateMachine&gt;</c>,
/// one type per state machine. Their methods are reached only through interface calls from the
/// thread pool, so a ReadyToRun compilation never sees them and each process compiles them again
/// (six to eight methods per async method that awaits something not yet done).
/// </summary>
public static class AsyncBoxes
{
    /// <summary>The box type (closed over the state machine) of every non-generic state machine in <paramref name="assembly"/>.</summary>
    public static IEnumerable<Type> Of(Assembly assembly)
    {
        var boxDefinition = typeof(AsyncTaskMethodBuilder<>).GetNestedType("AsyncStateMachineBox`1", BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("this runtime has no AsyncTaskMethodBuilder<T>.AsyncStateMachineBox<T>");
        foreach (var type in LoadableTypes(assembly))
        {
            if (type.ContainsGenericParameters || !typeof(IAsyncStateMachine).IsAssignableFrom(type)) continue;
            Type? result;
            try
            {
                var builder = type.GetField("<>t__builder", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)?.FieldType;
                result = builder == null ? null : ResultOf(builder);
            }
            catch (Exception e) when (e is TypeLoadException || e is FileNotFoundException)
            {
                continue; // its result type lives in an assembly the install does not ship
            }
            if (result == null) continue;
            yield return boxDefinition.MakeGenericType(result, type);
        }
    }

    /// <summary>The box's TResult for the builders that box through AsyncTaskMethodBuilder&lt;T&gt;; null for others (pooling, custom).</summary>
    private static Type? ResultOf(Type builder)
    {
        if (builder == typeof(AsyncTaskMethodBuilder) || builder == typeof(AsyncValueTaskMethodBuilder) || builder == typeof(AsyncVoidMethodBuilder))
            return typeof(AsyncTaskMethodBuilder).Assembly.GetType("System.Threading.Tasks.VoidTaskResult", throwOnError: true);
        if (builder.IsGenericType)
        {
            var definition = builder.GetGenericTypeDefinition();
            if (definition == typeof(AsyncTaskMethodBuilder<>) || definition == typeof(AsyncValueTaskMethodBuilder<>))
                return builder.GetGenericArguments()[0];
        }
        return null;
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            // Types that need an assembly the install does not ship (optional integrations) are left out.
            return e.Types.Where(t => t != null)!;
        }
    }
}
