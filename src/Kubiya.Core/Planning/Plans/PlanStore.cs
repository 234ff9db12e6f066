using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Planning
{
    /// <summary>Saved plans: <c>$KUBIYA_HOME/plans/&lt;plan-id&gt;.json</c>.</summary>
    public sealed class PlanStore
    {
        private static readonly Regex IdPattern = new Regex("^plan-[0-9a-f]{12}$", RegexOptions.CultureInvariant);

        /// <summary>Creates the store under <paramref name="paths"/>.</summary>
        public PlanStore(KubiyaPaths paths) => Directory = Path.Combine(paths.Home, "plans");

        /// <summary>The plans folder.</summary>
        public string Directory { get; }

        /// <summary>A new plan id.</summary>
        public static string NewId() => "plan-" + Guid.NewGuid().ToString("N").Substring(0, 12);

        /// <summary>True when <paramref name="text"/> has the form of a plan id.</summary>
        public static bool IsPlanId(string text) => IdPattern.IsMatch(text);

        /// <summary>The file of a plan id.</summary>
        public string PathOf(string planId) => Path.Combine(Directory, planId + ".json");

        /// <summary>Saves <paramref name="plan"/> in the store (and to <paramref name="extraPath"/> when given); returns the store path.</summary>
        public string Save(KubiyaPlan plan, string? extraPath = null)
        {
            var json = PlanJson.Write(plan);
            System.IO.Directory.CreateDirectory(Directory);
            var path = PathOf(plan.PlanId);
            WriteAtomically(path, json);
            if (extraPath != null)
            {
                var dir = Path.GetDirectoryName(Path.GetFullPath(extraPath));
                if (!string.IsNullOrEmpty(dir) && !System.IO.Directory.Exists(dir))
                    throw new KubiyaException(KubiyaErrorKind.NotFound, "SavePlanFolderNotFound", $"Cannot save the plan to '{extraPath}': folder '{dir}' does not exist. The plan is saved as {plan.PlanId} in {Directory}; create the folder or give another path.", extraPath);
                WriteAtomically(Path.GetFullPath(extraPath), json);
            }
            return path;
        }

        /// <summary>Reads a saved plan; <see cref="PlanErrors.PlanNotFound"/> when there is none.</summary>
        public KubiyaPlan Get(string planId)
        {
            var path = PathOf(planId);
            if (!IsPlanId(planId) || !File.Exists(path))
                throw new KubiyaException(KubiyaErrorKind.NotFound, PlanErrors.PlanNotFound, $"No saved plan '{planId}' in {Directory}. {{Get-KubiyaPlan}} lists saved plans.", planId);
            var plan = PlanJson.Read(File.ReadAllText(path), path);
            plan.Origin = null;
            return plan;
        }

        /// <summary>True when a plan with this id is saved.</summary>
        public bool Exists(string planId) => IsPlanId(planId) && File.Exists(PathOf(planId));

        /// <summary>
        /// Every saved plan, newest first. Files that cannot be read are reported through
        /// <paramref name="onError"/> and skipped, so one bad file does not hide the rest.
        /// </summary>
        public List<KubiyaPlan> List(Action<KubiyaException>? onError = null)
        {
            var plans = new List<KubiyaPlan>();
            if (!System.IO.Directory.Exists(Directory)) return plans;
            foreach (var file in System.IO.Directory.GetFiles(Directory, "plan-*.json"))
            {
                try
                {
                    var plan = PlanJson.Read(File.ReadAllText(file), file);
                    plan.Origin = null;
                    plans.Add(plan);
                }
                catch (KubiyaException ex)
                {
                    onError?.Invoke(ex);
                }
                catch (IOException ex)
                {
                    onError?.Invoke(new KubiyaException(KubiyaErrorKind.InvalidDefinition, "UnreadablePlanFile", $"{file}: {ex.Message}", file, ex));
                }
            }
            return plans.OrderByDescending(p => p.CreatedAt).ThenBy(p => p.PlanId, StringComparer.Ordinal).ToList();
        }

        private static void WriteAtomically(string path, string text)
        {
            var tmp = path + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
            File.WriteAllText(tmp, text, new UTF8Encoding(false));
            if (File.Exists(path)) File.Replace(tmp, path, null);
            else File.Move(tmp, path);
        }
    }
}
