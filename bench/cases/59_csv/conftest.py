# Present so pytest treats this directory as the project root and puts it on
# sys.path; tests import the module under repair with a plain import.
